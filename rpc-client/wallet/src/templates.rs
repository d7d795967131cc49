//! Page and e-mail templates (minijinja, compiled into the binary). HTML templates escape every
//! value automatically.

use std::sync::OnceLock;

/// The stylesheet served at `/static/style.css`.
pub const STYLE: &str = include_str!("../templates/style.css");

const TEMPLATES: &[(&str, &str)] = &[
	("layout.html", include_str!("../templates/layout.html")),
	("register.html", include_str!("../templates/register.html")),
	(
		"registered.html",
		include_str!("../templates/registered.html"),
	),
	("receive.html", include_str!("../templates/receive.html")),
	("received.html", include_str!("../templates/received.html")),
	("error.html", include_str!("../templates/error.html")),
	("login.html", include_str!("../templates/login.html")),
	("wallet.html", include_str!("../templates/wallet.html")),
	("badge.html", include_str!("../templates/badge.html")),
	("account.html", include_str!("../templates/account.html")),
	(
		"badge_list.html",
		include_str!("../templates/badge_list.html"),
	),
	("explorer.html", include_str!("../templates/explorer.html")),
	("issuer.html", include_str!("../templates/issuer.html")),
	("class.html", include_str!("../templates/class.html")),
	("holder.html", include_str!("../templates/holder.html")),
	(
		"staff_setup.html",
		include_str!("../templates/staff_setup.html"),
	),
	(
		"issuer_login.html",
		include_str!("../templates/issuer_login.html"),
	),
	(
		"issuer_home.html",
		include_str!("../templates/issuer_home.html"),
	),
	("deleted.html", include_str!("../templates/deleted.html")),
	("recover.html", include_str!("../templates/recover.html")),
	("reset.html", include_str!("../templates/reset.html")),
	(
		"mail_reset.txt",
		include_str!("../templates/mail_reset.txt"),
	),
	(
		"mail_reset.html",
		include_str!("../templates/mail_reset.html"),
	),
	(
		"mail_register.txt",
		include_str!("../templates/mail_register.txt"),
	),
	(
		"mail_register.html",
		include_str!("../templates/mail_register.html"),
	),
	(
		"mail_receipt.txt",
		include_str!("../templates/mail_receipt.txt"),
	),
	(
		"mail_receipt.html",
		include_str!("../templates/mail_receipt.html"),
	),
];

fn environment() -> &'static minijinja::Environment<'static> {
	static ENV: OnceLock<minijinja::Environment<'static>> = OnceLock::new();
	ENV.get_or_init(|| {
		let mut env = minijinja::Environment::new();
		env.add_function("t", crate::i18n::template_function);
		for (name, source) in TEMPLATES {
			env.add_template(name, source)
				.unwrap_or_else(|e| panic!("template {name}: {e}"));
		}
		env
	})
}

/// A JSON value as a template value. (With serde_json's `arbitrary_precision`, which the
/// dependency graph turns on, numbers would otherwise reach templates as maps.)
pub fn json(value: &serde_json::Value) -> minijinja::Value {
	use serde_json::Value as J;
	match value {
		J::Null => minijinja::Value::from(()),
		J::Bool(b) => minijinja::Value::from(*b),
		J::Number(n) => n
			.as_i64()
			.map(minijinja::Value::from)
			.or_else(|| n.as_u64().map(minijinja::Value::from))
			.unwrap_or_else(|| minijinja::Value::from(n.as_f64().unwrap_or(f64::NAN))),
		J::String(s) => minijinja::Value::from(s.as_str()),
		J::Array(items) => items.iter().map(json).collect::<Vec<_>>().into(),
		J::Object(map) => map
			.iter()
			.map(|(k, v)| (k.clone(), json(v)))
			.collect::<std::collections::BTreeMap<_, _>>()
			.into(),
	}
}

/// Every template's source.
pub fn sources() -> impl Iterator<Item = &'static str> {
	TEMPLATES.iter().map(|(_, source)| *source)
}

/// Render template `name` with `ctx`, in the current request's language (`lang`), with the
/// current path (`here`, for the language switch).
pub fn render(name: &str, ctx: minijinja::Value) -> String {
	let ctx = minijinja::context! {
		lang => crate::i18n::lang().code(), here => crate::i18n::path(), ..ctx
	};
	environment()
		.get_template(name)
		.and_then(|t| t.render(ctx))
		.unwrap_or_else(|e| panic!("template {name} does not render: {e}"))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn every_template_renders_and_html_is_escaped() {
		let ctx = minijinja::context! {
			email => "<script>x</script>@example.jp", problem => "p", min_password => 10,
			max_password => 256, sent => 1, badge_id => "0x01", issuer => "Agency",
			account => "5F", verdict => "Valid", title => "t", message => "m",
			link => "http://x/register/ab", expires => "2026-01-01 00:00",
			profile => minijinja::context! { name => "Agency", status => "active", account => "5F" },
			class => minijinja::context! { id => 0, name => "Member", issuer => "5F" },
			badges => vec![minijinja::context! { id => "0x01", verdict => "valid" }],
			issuers => vec![minijinja::context! { account => "5F", name => "Agency" }],
			issued => vec![minijinja::context! { badge_id => "0x01", class_id => 0, issuer => "5F" }],
			revoked => Vec::<minijinja::Value>::new(),
			registry => vec![minijinja::context! { kind => "class_created", class_id => 0, issuer => "5F" }],
		};
		for (name, _) in TEMPLATES {
			let out = render(name, ctx.clone());
			assert!(!out.is_empty(), "{name}");
		}
		let numbers = json(&serde_json::json!({ "n": 7, "list": [1, "a"], "none": null }));
		let out = environment()
			.render_str(
				"{{ v.n + 1 }} {{ v.list[0] }}{{ v.list[1] }} {{ v.none is none }}",
				minijinja::context! { v => numbers },
			)
			.unwrap();
		assert_eq!(out, "8 1a True", "JSON numbers are numbers in templates");
		let page = render("register.html", ctx);
		assert!(page.contains("&lt;script&gt;"), "values are escaped");
		assert!(!page.contains("<script>"));
	}
}
