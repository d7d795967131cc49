//! End to end on a real `--dev` node, through the client library: the whole badge lifecycle,
//! each forbidden act, and the verdict through both the runtime API and the JSON-RPC after
//! every step. Verdicts are read at the latest finalized block, so steps whose verdict is checked
//! wait for finality.

use badge_client::{
	account_of, badge_spec, criteria_url, crypto, dev, keypair_from_uri, runtime, AchievementType,
	BadgeClient, ClassSpec, Disclosure, Error, Keypair, Profile, RevocationReason, Verdict, Wait,
	H256,
};
use badge_e2e::Node;
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

/// The verdict, checked to agree between the runtime API and the node's JSON-RPC.
async fn verdict(
	client: &BadgeClient,
	badge: H256,
	image: Option<[u8; 32]>,
) -> (String, serde_json::Value) {
	let typed = client
		.verify(badge, image)
		.await
		.expect("runtime API answers");
	let json = client
		.verify_json(badge, image.map(H256))
		.await
		.expect("JSON-RPC answers");
	let name = verdict_name(&typed.verdict);
	assert_eq!(
		json["verdict"], name,
		"runtime API and JSON-RPC disagree: {json}"
	);
	assert_eq!(json["valid"], name == "valid");
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
	let node = Node::dev();
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
	assert_eq!(verdict(&client, badge, None).await.0, "not_yet_received");

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
		listed, 501,
		"every public badge of the class is listed once"
	);

	// Forbidden: a stolen receipt proof. The holder's proof is seen in the pool and replayed
	// from another account.
	let stolen = claim.receipt_proof(&client.genesis_hash(), &badge, &account_of(&holder));
	expect_rejected(
		client
			.submit(
				&runtime::tx().badges().receive(badge, stolen),
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
	assert_eq!(ok["verdict"], "not_found");

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
