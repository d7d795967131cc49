// A foreign client against the Open Badge chain: polkadot.js, knowing nothing but the node's
// metadata, decodes and submits badge calls, reads events and errors by name, and calls the
// runtime API. Usage: node compat.mjs ws://127.0.0.1:PORT
// Prints one JSON line with what it saw; exits non-zero on any failure.
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { blake2AsHex, cryptoWaitReady, sha256AsU8a } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';

const url = process.argv[2];
if (!url) {
	console.error('usage: node compat.mjs ws://127.0.0.1:PORT');
	process.exit(2);
}

function fail(message) {
	console.error(`compat: ${message}`);
	process.exit(1);
}

const api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true, throwOnConnect: true });
await cryptoWaitReady();
const keyring = new Keyring({ type: 'sr25519' });
const alice = keyring.addFromUri('//Alice');
const issuer = keyring.addFromUri('//JsIssuer');
const claim = keyring.addFromUri('//JsClaimKey');

// The metadata documents the badge calls, events and errors.
for (const [what, item] of [
	['call issue', api.tx.badges.issue],
	['call issueBatch', api.tx.badges.issueBatch],
	['call receive', api.tx.badges.receive],
	['event BadgeIssued', api.events.badges.BadgeIssued],
	['error NotBadgeIssuer', api.errors.badges.NotBadgeIssuer],
]) {
	if (!item || item.meta.docs.length === 0) fail(`${what} is missing or undocumented`);
}

/** Sign, submit, wait for the block; resolve with the events, reject with the error's name. */
function send(tx, signer) {
	return new Promise((resolve, reject) => {
		tx.signAndSend(signer, ({ status, events, dispatchError }) => {
			if (dispatchError) {
				if (dispatchError.isModule) {
					const { section, name } = api.registry.findMetaError(dispatchError.asModule);
					reject(new Error(`${section}.${name}`));
				} else {
					reject(new Error(dispatchError.toString()));
				}
			} else if (status.isInBlock) {
				resolve(events);
			}
		}).catch(reject);
	});
}

function find(events, section, method) {
	const found = events.find(({ event }) => event.section === section && event.method === method);
	if (!found) fail(`no ${section}.${method} event`);
	return found.event;
}

const profile = { name: 'JS Agency', url: 'https://js.example.jp', contact: null };
// Admin acts are council motions; the dev council is Alice alone, so threshold 1 executes at once.
const register = api.tx.badges.registerIssuer(issuer.address, profile);
let events = await send(api.tx.council.propose(1, register, register.method.encodedLength), alice);
const executed = find(events, 'council', 'Executed');
if (!executed.data.result.isOk) fail(`registerIssuer failed: ${executed.data.result}`);

const image = blake2AsHex('<svg>js badge</svg>', 256);
events = await send(
	api.tx.badges.createClass('JS class', 'Created by polkadot.js', { Url: 'https://js.example.jp/c' }, 'Badge', image),
	issuer,
);
const classId = find(events, 'badges', 'BadgeClassCreated').data.class.toNumber();

const recipient = u8aToHex(sha256AsU8a('js@example.jp' + 'salt'));
events = await send(
	api.tx.badges.issue(classId, { recipient, claimKey: claim.publicKey, expiresAt: null, evidence: null }),
	issuer,
);
const issued = find(events, 'badges', 'BadgeIssued');
const badge = issued.data.badge.toHex();
if (issued.data.class.toNumber() !== classId) fail('the event does not name the class');
// A badge id starts with its class, little-endian.
const classBytes = new Uint8Array(4);
new DataView(classBytes.buffer).setUint32(0, classId, true);
if (!badge.startsWith(u8aToHex(classBytes))) fail(`badge ${badge} does not start with class ${classId}`);

// The runtime API, by name, from the metadata.
const verification = await api.call.badgesApi.verify(badge, null);
const verdict = verification.verdict.type;
if (verdict !== 'NotYetReceived') fail(`unexpected verdict ${verdict}`);

// A forbidden act is refused by the pool, before any block.
let refused = null;
try {
	await send(api.tx.badges.revoke(badge, 'Misconduct', null), alice);
} catch (e) {
	refused = String(e.message ?? e);
}
if (!refused || !/Custom error|Invalid Transaction/i.test(refused)) fail(`revoke by a non-issuer was not refused: ${refused}`);

console.log(JSON.stringify({ classId, badge, verdict, refused }));
await api.disconnect();
process.exit(0);
