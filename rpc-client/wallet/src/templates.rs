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
	("deleted.html", include_str!("../templates/deleted.html")),
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
		for (name, source) in TEMPLATES {
			env.add_template(name, source)
				.unwrap_or_else(|e| panic!("template {name}: {e}"));
		}
		env
	})
}

/// Render template `name` with `ctx`.
pub fn render(name: &str, ctx: minijinja::Value) -> String {
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
		};
		for (name, _) in TEMPLATES {
			let out = render(name, ctx.clone());
			assert!(!out.is_empty(), "{name}");
		}
		let page = render("register.html", ctx);
		assert!(page.contains("&lt;script&gt;"), "values are escaped");
		assert!(!page.contains("<script>"));
	}
}
