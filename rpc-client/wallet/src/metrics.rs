//! Prometheus metrics (served at `/metrics`) and the request log: every response is counted by
//! route template (never the concrete path: links carry secret tokens), method and status, timed,
//! and logged as one structured line.

use axum::{
	extract::{MatchedPath, Request},
	http::header,
	middleware::Next,
	response::{IntoResponse, Response},
};
use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry};
use std::sync::OnceLock;

struct Metrics {
	registry: Registry,
	requests: IntCounterVec,
	duration: HistogramVec,
	events: IntCounterVec,
}

fn metrics() -> &'static Metrics {
	static METRICS: OnceLock<Metrics> = OnceLock::new();
	METRICS.get_or_init(|| {
		let registry =
			Registry::new_custom(Some("wallet".into()), None).expect("a valid metric prefix");
		let requests = IntCounterVec::new(
			Opts::new(
				"http_requests_total",
				"HTTP responses by route, method and status",
			),
			&["route", "method", "status"],
		)
		.expect("valid metric");
		let duration = HistogramVec::new(
			HistogramOpts::new(
				"http_request_duration_seconds",
				"Time to answer an HTTP request, by route",
			)
			.buckets(vec![
				0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
			]),
			&["route"],
		)
		.expect("valid metric");
		let events = IntCounterVec::new(
			Opts::new(
				"events_total",
				"What the service did: applications, registrations, receipts, disclosure changes, \
				 e-mails, refusals",
			),
			&["event"],
		)
		.expect("valid metric");
		for metric in [
			Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
			Box::new(duration.clone()),
			Box::new(events.clone()),
		] {
			registry.register(metric).expect("registered once");
		}
		Metrics {
			registry,
			requests,
			duration,
			events,
		}
	})
}

/// Count one `event` (for example `badge_received`, `mail_sent`, `rate_limited`).
pub fn event(event: &str) {
	metrics().events.with_label_values(&[event]).inc();
}

/// How often `event` happened since the start.
pub fn event_count(event: &str) -> u64 {
	metrics().events.with_label_values(&[event]).get()
}

/// Every metric in the Prometheus text format.
pub fn render() -> String {
	let mut out = Vec::new();
	prometheus::TextEncoder::new()
		.encode(&metrics().registry.gather(), &mut out)
		.expect("text encoding does not fail");
	String::from_utf8(out).expect("the text format is UTF-8")
}

/// `GET /metrics`.
pub(crate) async fn serve() -> Response {
	([(header::CONTENT_TYPE, prometheus::TEXT_FORMAT)], render()).into_response()
}

/// Middleware: count, time and log every request by its route template.
pub(crate) async fn track(request: Request, next: Next) -> Response {
	let route = request
		.extensions()
		.get::<MatchedPath>()
		.map_or("unmatched", |p| p.as_str())
		.to_string();
	let method = request.method().clone();
	let started = std::time::Instant::now();
	let response = next.run(request).await;
	let elapsed = started.elapsed();
	let status = response.status();
	let m = metrics();
	m.requests
		.with_label_values(&[route.as_str(), method.as_str(), status.as_str()])
		.inc();
	m.duration
		.with_label_values(&[route.as_str()])
		.observe(elapsed.as_secs_f64());
	tracing::info!(
		target: "wallet::http",
		%method,
		route,
		status = status.as_u16(),
		ms = elapsed.as_secs_f64() * 1000.0,
		"request"
	);
	response
}
