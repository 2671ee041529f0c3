//! Usage statistics, the cloud console's counterpart: `GET /metrics` in the
//! Prometheus/OpenMetrics text format (the Prometheus project's own `prometheus-client`).

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// Upper bounds of the latency buckets, in seconds: from a small image read in a
/// tenth of a second to a dense 300-dpi page taking most of a minute.
const LATENCY_BUCKETS: [f64; 12] = [0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0, 120.0];

/// A request's outcome as the counters label it.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Outcome {
    endpoint: String,
    /// HTTP status.
    status: String,
    /// `ok` or the error code (`AIS.0101`, …).
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EndpointLabel {
    endpoint: String,
}

/// Every statistic the server keeps.
pub struct Metrics {
    registry: Registry,
    requests: Family<Outcome, Counter>,
    latency: Family<EndpointLabel, Histogram>,
    /// Requests waiting for a worker.
    pub queue_depth: Gauge,
    /// Requests being read by a worker now.
    pub in_flight: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<Outcome, Counter>::default();
        let latency = Family::<EndpointLabel, Histogram>::new_with_constructor(
            (|| Histogram::new(LATENCY_BUCKETS)) as fn() -> Histogram,
        );
        let queue_depth = Gauge::default();
        let in_flight = Gauge::default();
        registry.register(
            "ocrdesk_requests",
            "Requests answered, by endpoint, HTTP status and error code (ok when none)",
            requests.clone(),
        );
        registry.register(
            "ocrdesk_request_duration_seconds",
            "Time from a request's arrival to its answer, by endpoint",
            latency.clone(),
        );
        registry.register(
            "ocrdesk_queue_depth",
            "Requests waiting for a worker",
            queue_depth.clone(),
        );
        registry.register(
            "ocrdesk_in_flight",
            "Requests being read by a worker",
            in_flight.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            queue_depth,
            in_flight,
        }
    }
}

impl Metrics {
    /// Counts one answered request.
    pub fn record(&self, endpoint: &str, status: u16, code: Option<&str>, seconds: f64) {
        self.requests
            .get_or_create(&Outcome {
                endpoint: endpoint.to_owned(),
                status: status.to_string(),
                code: code.unwrap_or("ok").to_owned(),
            })
            .inc();
        self.latency
            .get_or_create(&EndpointLabel {
                endpoint: endpoint.to_owned(),
            })
            .observe(seconds);
    }

    /// The page `GET /metrics` serves.
    pub fn render(&self) -> String {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry).expect("writing to a String cannot fail");
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_outcome_and_timed() {
        let metrics = Metrics::default();
        metrics.record("general-text", 200, None, 0.3);
        metrics.record("general-text", 200, None, 0.7);
        metrics.record("passport", 400, Some("AIS.0105"), 0.2);
        let text = metrics.render();
        assert!(
            text.contains(r#"ocrdesk_requests_total{endpoint="general-text",status="200",code="ok"} 2"#),
            "{text}"
        );
        assert!(text.contains(r#"ocrdesk_requests_total{endpoint="passport",status="400",code="AIS.0105"} 1"#));
        assert!(
            text.contains(r#"ocrdesk_request_duration_seconds_bucket{le="0.5",endpoint="general-text"} 1"#),
            "{text}"
        );
        assert!(text.contains("ocrdesk_queue_depth 0"));
    }
}
