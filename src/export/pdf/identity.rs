//! What identifies the file: document info, XMP metadata with the PDF/A-2b
//! identification, the sRGB output intent and the file identifier.

use std::time::{SystemTime, UNIX_EPOCH};

use miniz_oxide::deflate::compress_to_vec_zlib;
use pdf_writer::types::OutputIntentSubtype;
use pdf_writer::{Date, Filter, Finish, Pdf, Ref, TextStr};

use super::{PRODUCER, icc};

/// Document info, XMP metadata (with the PDF/A-2b identification when `pdfa`),
/// the sRGB output intent, the file identifier, and the catalog that ties them.
pub(super) fn write_identification(pdf: &mut Pdf, ids: &mut Ref, catalog: Ref, tree: Ref, title: &str, pdfa: bool) {
    let (info, metadata, profile) = (ids.bump(), ids.bump(), ids.bump());
    let now = Utc::now();
    let date = Date::new(now.year)
        .month(now.month)
        .day(now.day)
        .hour(now.hour)
        .minute(now.minute)
        .second(now.second)
        .utc_offset_hour(0)
        .utc_offset_minute(0);
    pdf.document_info(info)
        .title(TextStr(title))
        .producer(TextStr(PRODUCER))
        .creator(TextStr(PRODUCER))
        .creation_date(date)
        .modified_date(date);
    let id = file_id(title, &now);
    let uuid = format!("uuid:{}", hex(&id));
    let stamp = xmp_writer::DateTime::new(
        now.year,
        now.month,
        now.day,
        now.hour,
        now.minute,
        now.second,
        xmp_writer::Timezone::Utc,
    );
    let mut xmp = xmp_writer::XmpWriter::new();
    xmp.title([(None, title)])
        .producer(PRODUCER)
        .creator_tool(PRODUCER)
        .create_date(stamp)
        .modify_date(stamp)
        .metadata_date(stamp)
        .format("application/pdf")
        .document_id(&uuid)
        .instance_id(&uuid);
    if pdfa {
        xmp.pdfa_part(2).pdfa_conformance("B");
    }
    let xml = xmp.finish(None);
    pdf.metadata(metadata, xml.as_bytes());
    pdf.set_file_id((id.to_vec(), id.to_vec()));
    let icc = compress_to_vec_zlib(&icc::srgb_profile(), 6);
    let mut stream = pdf.icc_profile(profile, &icc);
    stream.n(3).filter(Filter::FlateDecode);
    stream.finish();
    let mut root = pdf.catalog(catalog);
    root.pages(tree).metadata(metadata);
    root.output_intents()
        .push()
        .subtype(OutputIntentSubtype::PDFA)
        .output_condition_identifier(TextStr("sRGB IEC61966-2.1"))
        .info(TextStr("sRGB IEC61966-2.1"))
        .dest_output_profile(profile);
    root.finish();
}

/// The file's identifier: 16 bytes that differ between files (title and time).
fn file_id(title: &str, now: &Utc) -> [u8; 16] {
    use std::hash::{Hash, Hasher};
    let mut id = [0u8; 16];
    for (half, salt) in id.chunks_exact_mut(8).zip([0x6f63_7264u64, 0x6465_736b]) {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (salt, title, now.nanos).hash(&mut h);
        half.copy_from_slice(&Hasher::finish(&h).to_be_bytes());
    }
    id
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The current time in UTC, as calendar fields.
struct Utc {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    nanos: u128,
}

impl Utc {
    fn now() -> Self {
        let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        Self::from_unix(since.as_secs() as i64, since.as_nanos())
    }

    /// The UTC date and time of a Unix time.
    fn from_unix(seconds: i64, nanos: u128) -> Self {
        let days = seconds.div_euclid(86_400);
        let of_day = seconds.rem_euclid(86_400);
        let (year, month, day) = crate::clock::civil_from_days(days);
        Self {
            year: year.clamp(0, 9999) as u16,
            month: month as u8,
            day: day as u8,
            hour: (of_day / 3600) as u8,
            minute: (of_day % 3600 / 60) as u8,
            second: (of_day % 60) as u8,
            nanos,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_time_becomes_the_calendar_date() {
        let t = Utc::from_unix(1_798_761_600 + 3_661, 0); // 2027-01-01T01:01:01Z
        assert_eq!(
            (t.year, t.month, t.day, t.hour, t.minute, t.second),
            (2027, 1, 1, 1, 1, 1)
        );
        let leap = Utc::from_unix(1_709_164_800, 0); // 2024-02-29
        assert_eq!((leap.year, leap.month, leap.day), (2024, 2, 29));
    }
}
