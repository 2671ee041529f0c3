#!/usr/bin/env python3
"""Drives `ocrdesk serve` with Huawei Cloud's unchanged OCR SDK (huaweicloudsdkocr).

    drive_sdk.py ENDPOINT AK SK PROJECT_ID FIXTURES.json

FIXTURES.json names the images: {"sample": PATH, "table": PATH, "passport": PATH,
"card": PATH, "layout": PATH, "id_card": PATH}. Prints one JSON object: for each call, the SDK's own
model of the answer (`response.result` through the SDK's classes and back with
`to_dict()`, so only fields the SDK's models know survive) with the response's
X-Request-Id, or the exception the SDK raised. tests/serve.rs asserts on it.
"""

import base64
import json
import sys

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException, ServerResponseException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkocr.v1 import (
    GeneralTableRequestBody,
    GeneralTextRequestBody,
    IdCardRequestBody,
    OcrClient,
    PassportRequestBody,
    RecognizeGeneralTableRequest,
    RecognizeGeneralTextRequest,
    RecognizeIdCardRequest,
    RecognizePassportRequest,
    RecognizeSmartDocumentRecognizerRequest,
    RecognizeWebImageRequest,
    SmartDocumentRecognizerRequestBody,
    WebImageRequestBody,
)


def client(endpoint, ak, sk, project_id):
    config = HttpConfig.get_default_config()
    config.timeout = (5, 300)
    return (
        OcrClient.new_builder()
        .with_http_config(config)
        .with_credentials(BasicCredentials(ak, sk, project_id))
        .with_endpoints([endpoint])
        .build()
    )


def image(path):
    with open(path, "rb") as f:
        return base64.b64encode(f.read()).decode("ascii")


def call(function):
    """The SDK's answer as plain data, or the exception it raised."""
    try:
        response = function()
    except (ClientRequestException, ServerResponseException) as e:
        return {
            "exception": type(e).__name__,
            "status_code": e.status_code,
            "error_code": e.error_code,
            "error_msg": e.error_msg,
            "request_id": e.request_id,
        }
    result = response.result
    if isinstance(result, list):
        result = [r.to_dict() for r in result]
    else:
        result = result.to_dict()
    return {"result": result, "request_id": response.x_request_id, "status_code": response.status_code}


def main():
    endpoint, ak, sk, project_id, fixtures_path = sys.argv[1:6]
    with open(fixtures_path, encoding="utf-8") as f:
        fixtures = json.load(f)
    ocr = client(endpoint, ak, sk, project_id)
    out = {}
    out["general_text"] = call(lambda: ocr.recognize_general_text(RecognizeGeneralTextRequest(
        body=GeneralTextRequestBody(image=image(fixtures["sample"]), detect_direction=True))))
    out["general_table"] = call(lambda: ocr.recognize_general_table(RecognizeGeneralTableRequest(
        body=GeneralTableRequestBody(image=image(fixtures["table"]), return_excel=True,
                                     return_text_location=True, return_confidence=True))))
    out["passport"] = call(lambda: ocr.recognize_passport(RecognizePassportRequest(
        body=PassportRequestBody(image=image(fixtures["passport"])))))
    out["id_card"] = call(lambda: ocr.recognize_id_card(RecognizeIdCardRequest(
        body=IdCardRequestBody(image=image(fixtures["id_card"]), return_verification=True))))
    out["web_image"] = call(lambda: ocr.recognize_web_image(RecognizeWebImageRequest(
        body=WebImageRequestBody(image=image(fixtures["card"]), extract_type=["contact_info", "image_size"]))))
    out["smart_document"] = call(lambda: ocr.recognize_smart_document_recognizer(
        RecognizeSmartDocumentRecognizerRequest(body=SmartDocumentRecognizerRequestBody(
            data=image(fixtures["layout"]), layout=True, table=True, kv=True))))
    out["bad_base64"] = call(lambda: ocr.recognize_general_text(RecognizeGeneralTextRequest(
        body=GeneralTextRequestBody(image="this is not base64!"))))
    out["remote_url"] = call(lambda: ocr.recognize_general_text(RecognizeGeneralTextRequest(
        body=GeneralTextRequestBody(url="https://example.com/scan.png"))))
    wrong_key = client(endpoint, ak, sk + "-wrong", project_id)
    out["wrong_secret"] = call(lambda: wrong_key.recognize_general_text(RecognizeGeneralTextRequest(
        body=GeneralTextRequestBody(image=image(fixtures["sample"])))))
    json.dump(out, sys.stdout, ensure_ascii=False, default=str)


if __name__ == "__main__":
    main()
