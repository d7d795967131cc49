//! End to end on a real `--dev` node, through the client library: the whole badge lifecycle,
//! each forbidden act, and the verdict through both the runtime API and the JSON-RPC after
//! every step. Verdicts are read at the latest finalized block, so steps whose verdict is checked
//! wait for finality.

use badge_client::subxt::rpcs::rpc_params;
use badge_client::{
	account_of, badge_spec, criteria_url, crypto, dev, keypair_from_uri, runtime, AchievementType,
	BadgeClient, ClassSpec, Disclosure, Error, Keypair, Profile, RevocationReason, Verdict, Wait,
	H256,
};
use badge_harness::Node;
use std::time::Duration;

fn verdict_name(v: &Verdict) -> &'static str {
	match v {
		Verdict::Valid => "valid",
		Verdict::NotFound => "not_found",
		Verdict::Revoked { .. } => "revoked",
		Verdict::IssuerSuspended => "issuer_suspended",
		Verdict::Expired { .. } => "expired",
		Verdict::DesignMismatch => "design_mismatch",
		Verdict::NotYetReceived => "not_yet_received",
	}
}

/// The verdict at the latest finalized block, checked to agree in every field between the
/// runtime API (`state_call`, through the WASM executor) and the node's JSON-RPC (which answers
/// natively when the chain runs the node's own runtime, else through the runtime).
async fn verdict(
	client: &BadgeClient,
	badge: H256,
	image: Option<[u8; 32]>,
) -> (String, serde_json::Value) {
	let head: H256 = serde_json::from_value(
		client
			.rpc_call("chain_getFinalizedHead", rpc_params![])
			.await
			.expect("the finalized head"),
	)
	.expect("a block hash");
	let typed = client
		.verify_at(head, badge, image)
		.await
		.expect("runtime API answers");
	let json = client
		.rpc_call("badges_verify", rpc_params![badge, image.map(H256), head])
		.await
		.expect("JSON-RPC answers");
	let name = verdict_name(&typed.verdict);
	let mut expected = serde_json::json!({
		"badge": badge,
		"verdict": name,
		"valid": name == "valid",
		"checkedAt": typed.checked_at,
		"block": head,
	});
	match &typed.verdict {
		Verdict::Revoked {
			at,
			reason,
			reason_digest,
		} => {
			expected["revocation"] = serde_json::json!({
				"at": at,
				"reason": format!("{reason:?}"),
				"reasonDigest": reason_digest.map(H256),
			})
		}
		Verdict::Expired { at } => expected["expiredAt"] = serde_json::json!(at),
		_ => {}
	}
	if let Some(d) = &typed.details {
		// The names come from the runtime too (`badges_class` and `badges_issuer` are never
		// answered natively).
		let class = client
			.rpc_call("badges_class", rpc_params![d.class, head])
			.await
			.expect("the class");
		let issuer = client
			.rpc_call("badges_issuer", rpc_params![d.issuer.to_string(), head])
			.await
			.expect("the issuer");
		expected["details"] = serde_json::json!({
			"class": d.class,
			"className": class["name"],
			"issuer": d.issuer.to_string(),
			"issuerName": issuer["name"],
			"imageDigest": H256(d.image_digest),
			"issuedAt": d.issued_at,
			"expiresAt": d.expires_at,
			"evidence": d.evidence.map(H256),
			"holder": d.holder.as_ref().map(|h| h.to_string()),
			"disclosure": match d.disclosure {
				Disclosure::Public => "public",
				Disclosure::Private => "private",
			},
		});
	}
	assert_eq!(json, expected, "the JSON-RPC and the runtime API disagree");
	// Asked about in a list (without an image), a badge gets the same answer, in each place.
	if image.is_none() {
		let many = client
			.rpc_call("badges_verifyMany", rpc_params![vec![badge, badge], head])
			.await
			.expect("badges_verifyMany answers");
		assert_eq!(
			many,
			serde_json::json!([json, json]),
			"badges_verifyMany and badges_verify disagree"
		);
		// A badge exists, revoked, expired or not, exactly when it is found.
		let held = client
			.badges_exist(&[badge, badge], head)
			.await
			.expect("badges_exist answers");
		assert_eq!(
			held,
			[name != "not_found"; 2],
			"badges_exist and badges_verify disagree"
		);
	}
	(name.to_string(), json)
}

fn expect_rejected(result: Result<impl Sized, Error>, name: &str) {
	match result {
		Err(Error::Rejected {
			error,
			before_block,
			..
		}) => {
			assert_eq!(error, name);
			assert!(
				before_block,
				"{name} should be refused by the pool, before any block"
			);
		}
		Err(other) => panic!("expected {name}, got {other}"),
		Ok(_) => panic!("expected {name}, but the call succeeded"),
	}
}

fn key(uri: &str) -> Keypair {
	keypair_from_uri(uri).expect("a valid dev secret URI")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn badge_lifecycle_on_a_dev_chain() {
	let node = Node::dev_with_metrics();
	let client = BadgeClient::connect(&node.ws_url())
		.await
		.expect("the client connects")
		.with_timeout(Duration::from_secs(90));

	let admin = dev::alice();
	let issuer = key("//Ministry");
	let other_issuer = key("//OtherMinistry");
	let holder = key("//Holder");
	let stranger = key("//Stranger");

	// Admin registers two issuers.
	for (who, name) in [
		(&issuer, "Digital Agency"),
		(&other_issuer, "Other Ministry"),
	] {
		let profile = Profile {
			name: name.into(),
			url: "https://agency.example.jp".into(),
			contact: Some("mailto:badges@agency.example.jp".into()),
		};
		client
			.register_issuer(&admin, &account_of(who), &profile, Wait::InBlock)
			.await
			.expect("the admin registers an issuer");
	}

	// Forbidden: an account that is not an issuer creates a class.
	let image = b"<svg>Digital Promotion Committee</svg>".to_vec();
	let class_spec = ClassSpec {
		name: "Digital Promotion Committee member".into(),
		description: "Appointed as a member of the Digital Promotion Committee.".into(),
		criteria: criteria_url("https://agency.example.jp/dpc/criteria"),
		achievement_type: AchievementType::Membership,
		image_digest: crypto::image_digest(&image),
	};
	expect_rejected(
		client
			.create_class(&stranger, &class_spec, Wait::InBlock)
			.await,
		"NotIssuer",
	);

	let class = client
		.create_class(&issuer, &class_spec, Wait::InBlock)
		.await
		.expect("the issuer creates a class");

	// Issue one badge.
	let claim = crypto::ClaimKey::generate();
	let recipient = crypto::recipient_commitment("applicant@example.jp", "q7H2kX9d");
	let badge = client
		.issue(
			&issuer,
			class,
			badge_spec(recipient, &claim, None, None),
			Wait::Finalized,
		)
		.await
		.expect("the issuer issues a badge");
	assert_eq!(badge, crypto::badge_id(class, &recipient));
	let (name, json) = verdict(&client, badge, None).await;
	assert_eq!(name, "not_yet_received");

	// A badge that expires 20 s of chain time from now: checked at the end of the test.
	let expires_at = json["checkedAt"].as_u64().expect("chain time") + 20_000;
	let expiring_claim = crypto::ClaimKey::generate();
	let expiring = client
		.issue(
			&issuer,
			class,
			badge_spec(
				crypto::recipient_commitment("fixed-term@example.jp", "Zt4mW8pQ"),
				&expiring_claim,
				Some(expires_at),
				Some([7; 32]),
			),
			Wait::Finalized,
		)
		.await
		.expect("the issuer issues a badge with an expiry");

	// Forbidden: an issuer issuing into another issuer's class.
	let spec = badge_spec(
		crypto::recipient_commitment("x@example.jp", "s"),
		&claim,
		None,
		None,
	);
	expect_rejected(
		client
			.issue(&other_issuer, class, spec, Wait::InBlock)
			.await,
		"NotClassIssuer",
	);

	// A batch of 500.
	let max = client.max_batch().await.expect("constant readable");
	assert!(max >= 500, "MaxBatch is {max}");
	let batch_claims: Vec<_> = (0..500).map(|_| crypto::ClaimKey::generate()).collect();
	let specs = batch_claims
		.iter()
		.enumerate()
		.map(|(i, c)| {
			let r = crypto::recipient_commitment(&format!("member{i}@example.jp"), "salt");
			badge_spec(r, c, None, None)
		})
		.collect();
	let ids = client
		.issue_batch(&issuer, class, specs, Wait::Finalized)
		.await
		.expect("the batch is issued and finalized");
	assert_eq!(ids.len(), 500);
	for id in [ids[0], ids[499]] {
		assert_eq!(verdict(&client, id, None).await.0, "not_yet_received");
	}
	let mut listed = 0;
	let mut cursor = None;
	loop {
		let page = client
			.badges_by_class(class, cursor, 200)
			.await
			.expect("listing");
		listed += page.items.len();
		match page.next {
			Some(next) => cursor = Some(next),
			None => break,
		}
	}
	assert_eq!(
		listed, 502,
		"every public badge of the class (the batch, the first and the expiring one) is listed once"
	);

	// Forbidden: a stolen receipt proof. The holder's proof is seen in the pool and replayed
	// from another account.
	let stolen = claim.receipt_proof(&client.genesis_hash(), &badge, &account_of(&holder));
	expect_rejected(
		client
			.submit(
				&runtime::tx()
					.badges()
					.receive(badge, claim.public(), stolen),
				&stranger,
				Wait::InBlock,
			)
			.await,
		"InvalidReceiptProof",
	);
	assert_eq!(verdict(&client, badge, None).await.0, "not_yet_received");

	// The holder receives it (a fresh account, no tokens) and it is final.
	client
		.receive(&holder, badge, &claim, Wait::Finalized)
		.await
		.expect("the recipient receives the badge");
	let (name, json) = verdict(&client, badge, Some(crypto::image_digest(&image))).await;
	assert_eq!(name, "valid");
	assert_eq!(json["details"]["holder"], account_of(&holder).to_string());
	assert_eq!(
		json["details"]["className"],
		"Digital Promotion Committee member"
	);
	assert_eq!(json["details"]["issuerName"], "Digital Agency");
	assert_eq!(json["details"]["disclosure"], "public");
	let held = client
		.badges_by_holder(&account_of(&holder), None, 10)
		.await
		.expect("listing");
	assert_eq!(held.items, vec![badge]);

	// A changed image does not verify.
	let mut forged = image.clone();
	forged.push(b' ');
	assert_eq!(
		verdict(&client, badge, Some(crypto::image_digest(&forged)))
			.await
			.0,
		"design_mismatch"
	);

	// Received once: nobody else can take it, even with its own valid proof.
	expect_rejected(
		client
			.receive(&stranger, badge, &claim, Wait::InBlock)
			.await,
		"AlreadyReceived",
	);

	// Forbidden: disclosure changed by someone other than the holder.
	expect_rejected(
		client
			.set_disclosure(&stranger, badge, Disclosure::Private, Wait::InBlock)
			.await,
		"NotHolder",
	);
	expect_rejected(
		client
			.set_disclosure(&issuer, badge, Disclosure::Private, Wait::InBlock)
			.await,
		"NotHolder",
	);

	// The holder makes it private: still valid by id, holder hidden, gone from listings.
	client
		.set_disclosure(&holder, badge, Disclosure::Private, Wait::Finalized)
		.await
		.expect("the holder hides the badge");
	let (name, json) = verdict(&client, badge, None).await;
	assert_eq!(name, "valid");
	assert_eq!(json["details"]["disclosure"], "private");
	assert!(
		json["details"]["holder"].is_null(),
		"a private badge names no holder: {json}"
	);
	let held = client
		.badges_by_holder(&account_of(&holder), None, 10)
		.await
		.expect("listing");
	assert!(held.items.is_empty());
	let by_issuer = client
		.badges_by_issuer(&account_of(&issuer), None, 1000)
		.await
		.unwrap();
	assert!(!by_issuer.items.contains(&badge));

	// And public again.
	client
		.set_disclosure(&holder, badge, Disclosure::Public, Wait::Finalized)
		.await
		.expect("the holder shows the badge again");
	let (_, json) = verdict(&client, badge, None).await;
	assert_eq!(json["details"]["disclosure"], "public");
	let held = client
		.badges_by_holder(&account_of(&holder), None, 10)
		.await
		.expect("listing");
	assert_eq!(held.items, vec![badge]);

	// Forbidden: another issuer revokes it.
	expect_rejected(
		client
			.revoke(
				&other_issuer,
				badge,
				RevocationReason::Misconduct,
				None,
				Wait::InBlock,
			)
			.await,
		"NotBadgeIssuer",
	);
	let (name, before) = verdict(&client, badge, None).await;
	assert_eq!(name, "valid");
	let valid_at = before["block"].clone();

	// The issuer revokes it: a tombstone, distinct from never issued.
	client
		.revoke(
			&issuer,
			badge,
			RevocationReason::NoLongerEligible,
			Some([9; 32]),
			Wait::Finalized,
		)
		.await
		.expect("the issuer revokes its badge");
	let (name, json) = verdict(&client, badge, None).await;
	assert_eq!(name, "revoked");
	assert_eq!(json["revocation"]["reason"], "NoLongerEligible");
	// Asked about the block before the revocation, the node still answers for that block (its
	// verdict cache is keyed by block), however often it is asked.
	for _ in 0..2 {
		let then = client
			.rpc_call(
				"badges_verify",
				badge_client::subxt::rpcs::rpc_params![badge, None::<H256>, valid_at.clone()],
			)
			.await
			.expect("badges_verify at an earlier block");
		assert_eq!(then["verdict"], "valid", "{then}");
		assert_eq!(then["block"], valid_at);
		assert_eq!(verdict(&client, badge, None).await.0, "revoked");
	}
	assert_eq!(
		verdict(&client, H256([0xee; 32]), None).await.0,
		"not_found"
	);
	// One call answers for at most 1,000 badges, and says so.
	let flood = client
		.rpc_call(
			"badges_verifyMany",
			badge_client::subxt::rpcs::rpc_params![vec![badge; 1_001], None::<H256>],
		)
		.await
		.expect_err("1,001 badges in one call are refused");
	assert!(flood.to_string().contains("Too many badges"), "{flood}");
	let flood = client
		.rpc_call(
			"badges_exist",
			badge_client::subxt::rpcs::rpc_params![vec![badge; 1_001], None::<H256>],
		)
		.await
		.expect_err("1,001 badges in one existence call are refused");
	assert!(flood.to_string().contains("Too many badges"), "{flood}");

	// Suspending an issuer shows on its badges; reinstating restores them.
	client
		.suspend_issuer(&admin, &account_of(&issuer), Wait::Finalized)
		.await
		.expect("the admin suspends the issuer");
	assert_eq!(verdict(&client, ids[0], None).await.0, "issuer_suspended");
	expect_rejected(
		client.retire_class(&issuer, class, Wait::InBlock).await,
		"IssuerSuspended",
	);
	client
		.reinstate_issuer(&admin, &account_of(&issuer), Wait::Finalized)
		.await
		.expect("the admin reinstates the issuer");
	assert_eq!(verdict(&client, ids[0], None).await.0, "not_yet_received");

	// The expiring badge is awaited until the chain's time passes its expiry, then expired.
	let deadline = std::time::Instant::now() + Duration::from_secs(90);
	loop {
		let (name, json) = verdict(&client, expiring, None).await;
		if name == "expired" {
			assert_eq!(json["expiredAt"], expires_at);
			break;
		}
		assert_eq!(name, "not_yet_received");
		assert!(
			std::time::Instant::now() < deadline,
			"the chain's time never passed {expires_at}"
		);
		tokio::time::sleep(Duration::from_secs(2)).await;
	}

	// Every verdict above had the same answer from the WASM runtime and from the node's native
	// path: the node counts its fresh answers by source, and none needed the runtime (the dev
	// chain runs the node's own runtime).
	let metrics = node.metrics();
	let answers = |source: &str| {
		badge_harness::metric(
			&metrics,
			"badges_verify_answers_total",
			Some(&format!("source=\"{source}\"")),
		)
	};
	assert!(answers("native") >= 10.0, "{metrics}");
	assert_eq!(answers("runtime"), 0.0, "{metrics}");
	assert!(answers("cache") >= 2.0, "{metrics}");

	// An admin call from a non-admin is refused before any block.
	let profile = Profile {
		name: "Rogue".into(),
		url: "https://rogue.example".into(),
		contact: None,
	};
	let refused = client
		.register_issuer(&stranger, &account_of(&stranger), &profile, Wait::InBlock)
		.await;
	assert!(
		matches!(&refused, Err(Error::InvalidInput(m)) if m.contains("not a council member")),
		"the client refuses a non-member's motion: {:?}",
		refused.err()
	);
	// Submitted anyway, the motion never reaches a block: the pool refuses the stranger.
	let call = badge_client::runtime::runtime_types::badge_runtime::RuntimeCall::Badges(
		badge_client::runtime::runtime_types::pallet_badges::pallet::Call::suspend_issuer {
			issuer: account_of(&issuer),
		},
	);
	let refused = client
		.submit(
			&badge_client::runtime::tx().council().propose(1, call, 64),
			&stranger,
			Wait::InBlock,
		)
		.await;
	assert!(
		matches!(refused, Err(Error::Invalid(_))),
		"got {:?}",
		refused.err()
	);
}

/// A dev chain whose genesis runtime is the node's own WASM with one more (custom) section: the
/// same behaviour, but not byte for byte the runtime this node embeds.
fn chain_spec_with_another_runtime(dir: &std::path::Path) -> std::path::PathBuf {
	let out = std::process::Command::new(badge_harness::node_binary())
		.args(["build-spec", "--chain", "dev", "--raw"])
		.stderr(std::process::Stdio::null())
		.output()
		.expect("build-spec runs");
	assert!(out.status.success(), "build-spec failed");
	let mut spec: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON spec");
	let code = &mut spec["genesis"]["raw"]["top"]["0x3a636f6465"];
	let mut wasm =
		hex::decode(code.as_str().expect(":code").trim_start_matches("0x")).expect("hex code");
	assert!(
		wasm.starts_with(b"\0asm"),
		"the embedded runtime is an uncompressed module"
	);
	// A custom section: id 0, size 5, name length 4, name "test".
	wasm.extend_from_slice(&[0, 5, 4, b't', b'e', b's', b't']);
	*code = serde_json::Value::String(format!("0x{}", hex::encode(wasm)));
	let path = dir.join("another-runtime.json");
	std::fs::write(&path, serde_json::to_vec(&spec).expect("JSON")).expect("the spec is written");
	path
}

/// A Data steward badge, issued by a newly registered `//Ministry` to an address and finalized
/// (the dev chain's admin registers the issuer).
async fn steward_badge(client: &BadgeClient) -> H256 {
	let issuer = key("//Ministry");
	let profile = Profile {
		name: "Digital Agency".into(),
		url: "https://agency.example.jp".into(),
		contact: None,
	};
	client
		.register_issuer(&dev::alice(), &account_of(&issuer), &profile, Wait::InBlock)
		.await
		.expect("the admin registers an issuer");
	let class_spec = ClassSpec {
		name: "Data steward".into(),
		description: "Keeps a register.".into(),
		criteria: criteria_url("https://agency.example.jp/steward"),
		achievement_type: AchievementType::Certificate,
		image_digest: crypto::image_digest(b"<svg>steward</svg>"),
	};
	let class = client
		.create_class(&issuer, &class_spec, Wait::InBlock)
		.await
		.expect("the issuer creates a class");
	let claim = crypto::ClaimKey::generate();
	client
		.issue(
			&issuer,
			class,
			badge_spec(
				crypto::recipient_commitment("steward@example.jp", "b3Rn7uQe"),
				&claim,
				None,
				None,
			),
			Wait::Finalized,
		)
		.await
		.expect("the issuer issues a badge, finalized")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chain_running_another_runtime_is_answered_by_that_runtime() {
	let dir = tempfile::tempdir().expect("a temporary directory");
	let spec = chain_spec_with_another_runtime(dir.path());
	let metrics_port = badge_harness::free_port().to_string();
	let node_key = badge_harness::node_key(1);
	let node = Node::start(&[
		"--chain",
		spec.to_str().expect("a UTF-8 path"),
		"--alice",
		"--node-key",
		&node_key,
		"--force-authoring",
		"--port",
		"0",
		"--prometheus-port",
		&metrics_port,
	]);
	let client = BadgeClient::connect(&node.ws_url())
		.await
		.expect("the client connects")
		.with_timeout(Duration::from_secs(90));
	let badge = steward_badge(&client).await;

	// The same answers as ever, field for field, but computed by the chain's runtime.
	assert_eq!(verdict(&client, badge, None).await.0, "not_yet_received");
	assert_eq!(
		verdict(&client, badge, Some([1; 32])).await.0,
		"design_mismatch"
	);
	assert_eq!(
		verdict(&client, H256([0xee; 32]), None).await.0,
		"not_found"
	);
	let metrics = node.metrics();
	let answers = |source: &str| {
		badge_harness::metric(
			&metrics,
			"badges_verify_answers_total",
			Some(&format!("source=\"{source}\"")),
		)
	};
	assert_eq!(answers("runtime"), 3.0, "{metrics}");
	assert_eq!(answers("native"), 0.0, "{metrics}");
}

#[test]
fn the_node_runs_the_single_state_pool_with_a_deep_future_queue_unless_told_otherwise() {
	// The pool logs its settings once, as it is created: `txpool_type=SingleState
	// revalidation=Light ready=Limit { count: 40960, .. } future=Limit { count: 4096, .. }`.
	let logged = |node: &Node, key: &str| {
		let rest = node.logged_after(key, Duration::ZERO);
		let value = rest.strip_prefix("Limit { count: ").unwrap_or(&rest);
		value
			.split([' ', ','])
			.next()
			.unwrap_or_default()
			.to_string()
	};
	let node = Node::dev();
	assert_eq!(logged(&node, "txpool_type="), "SingleState");
	assert_eq!(
		logged(&node, "revalidation="),
		"Light",
		"the node's own single-state pool (node/src/pool.rs)"
	);
	assert_eq!(logged(&node, "ready="), "40960", "`cli::POOL_LIMIT`");
	assert_eq!(
		logged(&node, "future="),
		"4096",
		"a tenth of the ready queue"
	);
	let upstream = Node::start(&[
		"--dev",
		"--port",
		"0",
		"--pool-type",
		"fork-aware",
		"--pool-limit",
		"8192",
	]);
	assert_eq!(logged(&upstream, "txpool_type="), "ForkAware");
	assert_eq!(logged(&upstream, "ready="), "8192");
	assert_eq!(logged(&upstream, "future="), "819");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transaction_already_in_the_chain_is_refused_without_a_runtime_call() {
	let node = Node::dev_with_metrics();
	let client = BadgeClient::connect(&node.ws_url())
		.await
		.expect("the client connects");
	let (nonce, signed) = alice_remarks(&client, &["first", "second"]).await;
	// Counted by the pool (every runtime call it asks for) and by the node's own chain API.
	let counts = || {
		let metrics = node.metrics();
		let count = |name| badge_harness::metric(&metrics, name, None);
		(
			count("substrate_sub_txpool_validations_finished"),
			count("badges_txpool_validations_answered_from_chain_total"),
		)
	};

	submit_raw(&client, &signed[0])
		.await
		.expect("the pool takes the remark");
	wait_alice_past(&client, nonce).await;
	let (validated, answered) = counts();

	// `--dev` bans nothing, so the pool asks about the remark again; the node answers.
	let again = submit_raw(&client, &signed[0]).await;
	let error = format!(
		"{:?}",
		again.expect_err("an included transaction is refused")
	);
	assert!(
		error.contains("outdated"),
		"as the runtime says it: {error}"
	);
	assert_eq!(
		counts(),
		(validated, answered + 1.0),
		"answered from the chain, not by the runtime"
	);

	// A new transaction still goes to the runtime (and may be validated again at once, should
	// the pool's revalidation every 20 blocks fall here: the pool holds it).
	submit_raw(&client, &signed[1])
		.await
		.expect("the pool takes the next remark");
	let (validated_after, answered_after) = counts();
	assert!(
		validated_after >= validated + 1.0,
		"{validated_after} after {validated}"
	);
	assert_eq!(answered_after, answered + 1.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signature_the_pool_checked_is_not_checked_again_in_the_block() {
	let node = Node::dev_with_metrics();
	let client = BadgeClient::connect(&node.ws_url())
		.await
		.expect("the client connects");
	let (nonce, mut signed) = alice_remarks(&client, &["checked once"]).await;
	let signed = signed.remove(0);
	let checks = || {
		let metrics = node.metrics();
		let count =
			|outcome| badge_harness::metric(&metrics, "badges_sr25519_checks_total", Some(outcome));
		(count("outcome=\"computed\""), count("outcome=\"cached\""))
	};

	// The same remark with one bit of its signature changed: a compact length, the version
	// byte, the address (its kind and 32 bytes), the signature's kind, then its 64 bytes. Two
	// such forgeries, as the pool bans a transaction it found invalid.
	let length_bytes = [1, 2, 4][usize::from(signed[0] & 3)];
	let (computed, cached) = checks();
	for bit in [10, 11] {
		let mut forged = signed.clone();
		forged[length_bytes + 1 + 33 + 1 + bit] ^= 1;
		let error = format!(
			"{:?}",
			submit_raw(&client, forged).await.expect_err("forged")
		);
		assert!(error.contains("bad signature"), "{error}");
	}
	assert_eq!(
		checks(),
		(computed + 2.0, cached),
		"a failed check is computed, never answered from the set"
	);

	submit_raw(&client, signed)
		.await
		.expect("the pool takes the remark");
	assert_eq!(checks(), (computed + 3.0, cached), "the pool computed it");
	wait_alice_past(&client, nonce).await;
	let (computed_after, cached_after) = checks();
	assert_eq!(
		computed_after,
		computed + 3.0,
		"the block's execution computed no signature check"
	);
	assert!(cached_after > cached, "it was answered from the node's set");
}

/// Remarks of `texts` signed offline by Alice (the council member's: the access check admits no
/// stranger) from her finalized nonce, returned with them.
async fn alice_remarks(client: &BadgeClient, texts: &[&str]) -> (u64, Vec<Vec<u8>>) {
	let alice = dev::alice();
	let nonce = client.finalized_nonce(&account_of(&alice)).await.unwrap();
	let remarks: Vec<_> = texts
		.iter()
		.map(|text| runtime::tx().system().remark(text.as_bytes().to_vec()))
		.collect();
	let signed = client
		.sign_offline(&remarks, &alice, nonce)
		.await
		.expect("signs");
	(nonce, signed)
}

/// `author_submitExtrinsic` with `bytes` as they are.
async fn submit_raw(
	client: &BadgeClient,
	bytes: impl AsRef<[u8]>,
) -> Result<serde_json::Value, Error> {
	client
		.rpc_call(
			"author_submitExtrinsic",
			rpc_params![format!("0x{}", hex::encode(bytes))],
		)
		.await
}

/// Wait (a minute at most) until Alice's finalized nonce has passed `nonce`.
async fn wait_alice_past(client: &BadgeClient, nonce: u64) {
	let deadline = std::time::Instant::now() + Duration::from_secs(60);
	while client
		.finalized_nonce(&account_of(&dev::alice()))
		.await
		.unwrap()
		<= nonce
	{
		assert!(std::time::Instant::now() < deadline, "the remark is final");
		tokio::time::sleep(Duration::from_millis(200)).await;
	}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_departure_from_the_template_is_one_flag_away() {
	// The flags that give Substrate's behaviour back (the table on `cli::Cli`).
	let port = badge_harness::free_port().to_string();
	let node = Node::start(&[
		"--dev",
		"--port",
		"0",
		"--prometheus-port",
		&port,
		"--pool-revalidation",
		"full",
		"--pool-included-blocks",
		"0",
		"--signature-cache-size",
		"0",
		"--verify-path",
		"runtime",
		"--grandpa-voting-rule",
		"substrate",
	]);
	let word = |marker: &str| {
		let rest = node.logged_after(marker, Duration::from_secs(30));
		rest.split([' ', ';', ','])
			.next()
			.unwrap_or_default()
			.to_string()
	};
	assert_eq!(word("revalidation="), "Full");
	assert_eq!(word("included_blocks="), "0");
	assert_eq!(word("Signature checks remembered: "), "0");
	assert_eq!(word("badges_verify path: "), "Runtime");
	assert_eq!(word("voting rule "), "Substrate");

	let client = BadgeClient::connect(&node.ws_url())
		.await
		.expect("the client connects");
	let counts = || {
		let metrics = node.metrics();
		let count = |name, label| badge_harness::metric(&metrics, name, label);
		[
			count("badges_sr25519_checks_total", Some("outcome=\"computed\"")),
			count("badges_sr25519_checks_total", Some("outcome=\"cached\"")),
			count("badges_txpool_validations_answered_from_chain_total", None),
			count("badges_verify_answers_total", Some("source=\"runtime\"")),
			count("badges_verify_answers_total", Some("source=\"native\"")),
			count("badges_verify_answers_total", Some("source=\"cache\"")),
		]
	};

	// A badge is still issued, finalized (two blocks behind the best, as Substrate votes) and
	// verified.
	let badge = steward_badge(&client).await;
	let [computed, cached, answered, runtime, native, memory] = counts();
	assert!(
		computed >= 6.0,
		"each signature in pool and block: {computed}"
	);
	assert_eq!(cached, 0.0, "no check answered from a set");
	assert_eq!(verdict(&client, badge, None).await.0, "not_yet_received");
	assert_eq!(verdict(&client, badge, None).await.0, "not_yet_received");
	// Each `verdict` asks three times (`badges_verify`, then twice in `badges_verifyMany`).
	assert_eq!(
		counts()[3..],
		[runtime + 6.0, native, memory],
		"every answer, repeated or not, from the runtime"
	);
	assert_eq!((native, memory), (0.0, 0.0));

	// A transaction already in the chain is refused by the runtime, not by the node's index.
	let (nonce, signed) = alice_remarks(&client, &["once"]).await;
	submit_raw(&client, &signed[0])
		.await
		.expect("the pool takes the remark");
	wait_alice_past(&client, nonce).await;
	let again = submit_raw(&client, &signed[0]).await;
	let error = format!(
		"{:?}",
		again.expect_err("an included transaction is refused")
	);
	assert!(error.contains("outdated"), "{error}");
	assert_eq!(counts()[2], answered, "none answered from the chain");
	assert_eq!(answered, 0.0);
}

#[test]
fn grandpa_rounds_are_short_and_votes_on_the_best_block_unless_told_otherwise() {
	// The voter starts after the RPC server, so its line may come a moment after the node is up.
	let gossip = |node: &Node| {
		let rest = node.logged_after("GRANDPA gossip duration ", Duration::from_secs(30));
		rest.split(' ').next().unwrap_or_default().to_string()
	};
	let rule = |node: &Node| node.logged_after("voting rule ", Duration::from_secs(30));
	let default = Node::dev();
	assert_eq!(gossip(&default), "100", "`cli::GRANDPA_GOSSIP_MS`");
	assert_eq!(rule(&default), "Best", "votes on the best block");
	let node = Node::start(&["--dev", "--port", "0", "--grandpa-gossip-ms", "333"]);
	assert_eq!(gossip(&node), "333");
	// No rounds without time to vote.
	let out = std::process::Command::new(badge_harness::node_binary())
		.args(["--dev", "--grandpa-gossip-ms", "0"])
		.output()
		.expect("the node runs");
	assert!(!out.status.success(), "a zero gossip duration is refused");
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert!(stderr.contains("--grandpa-gossip-ms"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_validator_runs_without_the_shared_trie_cache_unless_told_otherwise() {
	// The node logs both caches once, before it starts:
	// `Shared trie cache: off; badges_verify's own: 1024 MiB`.
	let caches = |node: &Node| node.logged_after("Shared trie cache: ", Duration::ZERO);
	assert_eq!(
		caches(&Node::dev()),
		"off; badges_verify's own: 1024 MiB",
		"a validator (`--dev`), `cli::VERIFY_CACHE_SIZE`"
	);
	// A node with the shared cache holds no second one unless told to.
	let chosen = Node::start(&["--dev", "--port", "0", "--trie-cache-size", "67108864"]);
	assert_eq!(caches(&chosen), "64 MiB; badges_verify's own: off");
	let port = badge_harness::free_port().to_string();
	let full = Node::start(&["--chain", "dev", "--port", "0", "--prometheus-port", &port]);
	assert_eq!(
		caches(&full),
		"1024 MiB; badges_verify's own: off",
		"a node that does not author keeps Substrate's default"
	);
	let both = Node::start(&[
		"--chain",
		"dev",
		"--port",
		"0",
		"--verify-cache-size",
		"268435456",
	]);
	assert_eq!(caches(&both), "1024 MiB; badges_verify's own: 256 MiB");

	// Through the shared cache, `badges_verify` still answers natively, as the runtime does.
	answers_natively(&full).await;

	// Without a cache of its own, `badges_verify` reads the database natively and still answers
	// as the runtime does.
	let port = badge_harness::free_port().to_string();
	let uncached = Node::start(&[
		"--dev",
		"--port",
		"0",
		"--prometheus-port",
		&port,
		"--verify-cache-size",
		"0",
	]);
	assert_eq!(caches(&uncached), "off; badges_verify's own: off");
	answers_natively(&uncached).await;
}

/// `node` (started with `--prometheus-port`) answers its first `badges_verify` question, about
/// a badge that does not exist, natively and as the runtime does.
async fn answers_natively(node: &Node) {
	let client = BadgeClient::connect(&node.ws_url())
		.await
		.expect("the client connects");
	assert_eq!(verdict(&client, H256([7; 32]), None).await.0, "not_found");
	let metrics = node.metrics();
	let native = badge_harness::metric(
		&metrics,
		"badges_verify_answers_total",
		Some("source=\"native\""),
	);
	assert_eq!(native, 1.0, "{metrics}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_rpc_parameters_get_json_rpc_errors() {
	let node = Node::dev();
	let client = BadgeClient::connect(&node.ws_url())
		.await
		.expect("the client connects");
	use badge_client::Error as E;
	for params in [
		badge_client::subxt::rpcs::rpc_params!["not hex"],
		badge_client::subxt::rpcs::rpc_params!["0x1234"],
		badge_client::subxt::rpcs::rpc_params![42],
		badge_client::subxt::rpcs::rpc_params![],
	] {
		let result = client.rpc_call("badges_verify", params).await;
		assert!(
			matches!(result, Err(E::Rpc(_))),
			"expected a JSON-RPC error, got {result:?}"
		);
	}
	let result = client
		.rpc_call(
			"badges_listByHolder",
			badge_client::subxt::rpcs::rpc_params!["not an account"],
		)
		.await;
	assert!(matches!(result, Err(E::Rpc(_))));
	// The node is still serving.
	let ok = client
		.verify_json(H256([1; 32]), None)
		.await
		.expect("the node still answers");
	assert_eq!(ok.verdict, badge_client::VerdictName::NotFound);

	// A client that cannot wait long enough says so.
	let impatient = client.clone().with_timeout(Duration::from_millis(1));
	let profile = Profile {
		name: "Late".into(),
		url: "https://late.example".into(),
		contact: None,
	};
	let late = impatient
		.register_issuer(
			&dev::alice(),
			&account_of(&dev::bob()),
			&profile,
			Wait::Finalized,
		)
		.await;
	assert!(
		matches!(late, Err(E::Timeout(_))),
		"expected a timeout, got {:?}",
		late.err()
	);
}

#[tokio::test]
async fn an_unreachable_node_is_reported_as_such() {
	// Nothing listens on a port we bound and released.
	let port = std::net::TcpListener::bind("127.0.0.1:0")
		.unwrap()
		.local_addr()
		.unwrap()
		.port();
	let url = format!("ws://127.0.0.1:{port}");
	match BadgeClient::connect(&url).await {
		Err(Error::Unreachable { url: reported, .. }) => assert_eq!(reported, url),
		Err(other) => panic!("expected Unreachable, got {other}"),
		Ok(_) => panic!("connected to nothing"),
	}
}
