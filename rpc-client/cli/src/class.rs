//! `badge class`: badge classes (achievements) and the designs they pin.

use crate::{exit, sha256, CliError, Ctx};
use badge_client::{crypto, AchievementType, ClassSpec};
use clap::Subcommand;
use serde_json::json;
use std::path::PathBuf;

/// `badge class` subcommands.
#[derive(Subcommand, Debug)]
pub enum ClassCmd {
	/// Create a class from a TOML or JSON description and the badge image, whose digest pins
	/// the design.
	Create {
		/// Description file: name, description, achievement_type, and criteria_url or
		/// criteria_narrative.
		#[arg(long)]
		file: PathBuf,
		/// The exact badge image (PNG or SVG).
		#[arg(long)]
		image: PathBuf,
	},
	/// Show a class.
	Show {
		/// Class id.
		class: u32,
	},
	/// Retire a class: no new badges; existing ones stay valid.
	Retire {
		/// Class id.
		class: u32,
	},
}

/// A class description file.
#[derive(serde::Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct ClassFile {
	name: String,
	description: String,
	#[serde(default)]
	criteria_url: Option<String>,
	#[serde(default)]
	criteria_narrative: Option<String>,
	#[serde(default = "default_type")]
	achievement_type: String,
}

fn default_type() -> String {
	"Badge".into()
}

fn achievement_type(name: &str) -> Result<AchievementType, CliError> {
	Ok(match name {
		"Achievement" => AchievementType::Achievement,
		"Award" => AchievementType::Award,
		"Badge" => AchievementType::Badge,
		"Certificate" => AchievementType::Certificate,
		"CertificateOfCompletion" => AchievementType::CertificateOfCompletion,
		"Competency" => AchievementType::Competency,
		"Course" => AchievementType::Course,
		"License" => AchievementType::License,
		"Membership" => AchievementType::Membership,
		"MicroCredential" => AchievementType::MicroCredential,
		other => {
			return Err(CliError::Input(format!(
				"unknown achievement_type `{other}`"
			)))
		}
	})
}

fn read_class_file(path: &std::path::Path) -> Result<ClassFile, CliError> {
	let text = std::fs::read_to_string(path)
		.map_err(|e| CliError::Input(format!("cannot read {}: {e}", path.display())))?;
	let parsed = if path.extension().is_some_and(|e| e == "json") {
		serde_json::from_str(&text).map_err(|e| e.to_string())
	} else {
		toml::from_str(&text).map_err(|e| e.to_string())
	};
	parsed.map_err(|e| CliError::Input(format!("{}: {e}", path.display())))
}

/// `badge class`.
pub async fn run(ctx: &Ctx, cmd: ClassCmd) -> Result<u8, CliError> {
	let client = ctx.client().await?;
	match cmd {
		ClassCmd::Create { file, image } => {
			let desc = read_class_file(&file)?;
			let image_bytes = std::fs::read(&image)
				.map_err(|e| CliError::Input(format!("cannot read {}: {e}", image.display())))?;
			let criteria = match (&desc.criteria_url, &desc.criteria_narrative) {
				(Some(url), None) => badge_client::criteria_url(url),
				(None, Some(text)) => badge_client::Criteria::NarrativeDigest(sha256(text)),
				_ => {
					return Err(CliError::Input(
						"give exactly one of criteria_url and criteria_narrative".into(),
					))
				}
			};
			let spec = ClassSpec {
				name: desc.name.clone(),
				description: desc.description,
				criteria,
				achievement_type: achievement_type(&desc.achievement_type)?,
				image_digest: crypto::image_digest(&image_bytes),
			};
			let id = client
				.create_class(&ctx.key()?.pair, &spec, ctx.wait())
				.await?;
			let digest = format!("0x{}", hex::encode(spec.image_digest));
			ctx.print(
				json!({ "class": id, "name": desc.name, "imageDigest": digest }),
				|| format!("created class {id} ({}), image digest {digest}", desc.name),
			);
			Ok(exit::OK)
		}
		ClassCmd::Show { class } => {
			let found = client
				.class_json(class)
				.await?
				.ok_or_else(|| CliError::Input(format!("no class {class}")))?;
			let json = serde_json::to_value(&found).expect("answers serialize");
			ctx.print(json, || {
				format!(
					"{} (class {class})\n  issuer:   {}\n  type:     {}\n  image:    0x{}\n  retired:  {}\n  issued:   {}\n  {}",
					found.name,
					found.issuer,
					found.achievement_type,
					hex::encode(found.image_digest),
					found.retired,
					found.issued,
					found.description,
				)
			});
			Ok(exit::OK)
		}
		ClassCmd::Retire { class } => {
			client
				.retire_class(&ctx.key()?.pair, class, ctx.wait())
				.await?;
			ctx.print(json!({ "retired": class }), || {
				format!("retired class {class}")
			});
			Ok(exit::OK)
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn class_files_are_read_as_toml_or_json() {
		let dir = tempfile::tempdir().unwrap();
		let json = dir.path().join("class.json");
		std::fs::write(
			&json,
			r#"{"name": "N", "description": "D", "criteria_url": "https://c.example", "achievement_type": "Certificate"}"#,
		)
		.unwrap();
		let parsed = read_class_file(&json).unwrap();
		assert_eq!(parsed.criteria_url.as_deref(), Some("https://c.example"));
		assert!(matches!(
			achievement_type(&parsed.achievement_type),
			Ok(AchievementType::Certificate)
		));
		let toml = dir.path().join("class.toml");
		std::fs::write(
			&toml,
			"name = \"N\"\ndescription = \"D\"\ncriteria_narrative = \"x\"\n",
		)
		.unwrap();
		assert_eq!(read_class_file(&toml).unwrap().achievement_type, "Badge");
		std::fs::write(&toml, "name = \"N\"\nunknown = 1\n").unwrap();
		assert!(matches!(read_class_file(&toml), Err(CliError::Input(_))));
		assert!(achievement_type("Diploma").is_err());
	}
}
