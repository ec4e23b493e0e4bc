#!/usr/bin/env node
// An independent verifier of Throughline audit bundles, written from the format's
// specification alone: docs/audit-bundle.md ("The audit bundle format, version 2").
// It shares no code with Throughline, so an auditor can check a bundle years later
// with nothing but Node (18 or later) and the public key they kept.
//
//   node verifiers/verify-bundle.mjs BUNDLE.json [--public-key BASE64_OR_FILE]
//
// The key is base64 of the raw 32-byte Ed25519 key, or a file holding that base64 or
// the JSON {"alg", "kid", "public_key"} that /.well-known/throughline-audit-key serves.
// Exit status: 0 intact, 1 not intact, 2 the file cannot be read, is not JSON, or the
// usage is wrong. Only Node's built-in modules are used, so there is nothing to install.

import { createHash, createPublicKey, verify } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { gunzipSync } from "node:zlib";

const GENESIS = "0".repeat(64);
const PART_KINDS = ["events", "refusals", "evidence", "authority", "histories"];
const MANIFEST_MEMBERS = [
  "format", "version", "exported_at", "exported_by", "scope",
  "key", "changes", "directory_events", "parts",
];
const HASHED_FIELDS = [
  "change_id", "seq", "at", "actor", "role", "kind", "payload", "prev_hash",
];
const HELD_BY = ["own role", "delegation", "not shown"];
// Node takes a raw Ed25519 key only inside an SPKI wrapper; this is its fixed DER prefix.
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
const USAGE =
  "usage: node verifiers/verify-bundle.mjs BUNDLE.json [--public-key BASE64_OR_FILE]";

/** A check that failed: the bundle is not intact, and the message says why. */
class Broken extends Error {}

/** Something wrong before any check could start: exit 2, not a verdict on the bundle. */
class UsageError extends Error {}

function need(condition, problem) {
  if (!condition) throw new Broken(problem);
}

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const show = (value) => JSON.stringify(value);

// ---- RFC 8785 canonical JSON, sha256 and base64 ----------------------------------

/** JCS(v) as text. JSON.stringify already writes strings and numbers as RFC 8785 asks
 * (the RFC adopts ECMAScript's serialisation), so only the key order needs doing. */
function jcs(value) {
  if (value === null || typeof value === "boolean") return String(value);
  if (typeof value === "number") {
    need(Number.isFinite(value), `${value} is not a JSON number`);
    return JSON.stringify(value);
  }
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(jcs).join(",")}]`;
  if (typeof value === "object") {
    // The default sort compares UTF-16 code units, which is the order RFC 8785 wants.
    const members = Object.keys(value).sort().map((k) => `${show(k)}:${jcs(value[k])}`);
    return `{${members.join(",")}}`;
  }
  throw new Broken(`a ${typeof value} is not a JSON value`);
}

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");
const utf8 = (text) => Buffer.from(text, "utf8");
const digest = (value) => sha256(utf8(jcs(value)));
const sameJson = (a, b) => jcs(a) === jcs(b);

/** Bytes from RFC 4648 base64 with padding. Buffer.from silently skips bad characters,
 * so the text is checked first: a damaged value must fail, not decode to something. */
function fromBase64(text, what, fail = (problem) => new Broken(problem)) {
  const strict = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
  if (typeof text !== "string" || !strict.test(text)) throw fail(`${what} is not base64`);
  return Buffer.from(text, "base64");
}

// ---- Events: hashing and linking up (spec, "Events") -----------------------------

/** The eight members an event's hash covers, or a failure naming the one missing. */
function hashedFields(event, where) {
  need(isObject(event), `${where} is not an object`);
  const fields = {};
  for (const name of HASHED_FIELDS) {
    need(Object.hasOwn(event, name), `${where} has no ${name}`);
    fields[name] = event[name];
  }
  return fields;
}

/** The text Python hashed, read back; it must say what the event's own fields say, or
 * an edited event could keep its old text and so its old hash. */
function checkHashedText(event, fields, where) {
  need(typeof event.hashed === "string", `${where}: its hashed text is not a string`);
  let said;
  try {
    said = JSON.parse(event.hashed);
  } catch {
    throw new Broken(`${where}: its hashed text is not JSON`);
  }
  need(sameJson(said, fields), `${where}: its hashed text does not say what the event says`);
}

/** Whether the event's hash is the one its fields give under the scheme. Under
 * sorted-json an event whose Python text differs from JCS (61.0 against 61) carries
 * that text as `hashed`, and the hash is over the text. */
function hashHolds(event, fields, scheme, where) {
  if (Object.hasOwn(event, "hashed")) {
    need(scheme === "sorted-json", `${where} carries hashed text, which only sorted-json may`);
    checkHashedText(event, fields, where);
    return event.hash === sha256(utf8(event.hashed));
  }
  return event.hash === digest(fields);
}

/** A log links up: seq 1..n in list order, all of the log's id, each prev_hash the
 * hash before (GENESIS first), and each hash as recomputed. */
function checkLinks(log, logId, scheme, name) {
  need(Array.isArray(log), `${name} is not a list`);
  let previous = GENESIS;
  log.forEach((event, index) => {
    const where = `${name} event ${index + 1}`;
    const fields = hashedFields(event, where);
    need(fields.seq === index + 1, `${where} has seq ${show(fields.seq)}: events are missing or out of order`);
    need(fields.change_id === logId, `${where} belongs to ${show(fields.change_id)}, not ${logId}`);
    need(fields.prev_hash === previous, `${where} does not link to the one before it`);
    need(hashHolds(event, fields, scheme, where), `${where} was altered after it was written: its hash does not match`);
    previous = event.hash;
  });
}

/** The log's length and last hash are what the signed manifest says. An empty log's
 * head is taken to be null (the spec says so only for refusals). */
function checkHead(log, count, head, name) {
  need(log.length === count, `${name} holds ${log.length} events; the manifest says ${show(count)}`);
  const last = log.length ? log[log.length - 1].hash : null;
  need(last === head, `${name} does not end at the head the manifest signs`);
}

// ---- Steps 1 to 4: the document, the key, the signature, the parts ---------------

const CHANGE_MEMBERS = [
  "change_id", "title", "service", "status", "closed", "hash_scheme",
  "events", "head_hash", "refusals", "refusals_head", "histories",
];

/** An object with exactly these members: none missing, none the spec does not name. */
function exactly(value, members, what) {
  const missing = members.filter((m) => !Object.hasOwn(value, m));
  need(missing.length === 0, `${what} lacks ${missing.join(", ")}`);
  const extra = Object.keys(value).filter((m) => !members.includes(m));
  need(extra.length === 0, `${what} has members the format does not name: ${extra.join(", ")}`);
}

function checkForm(bundle) {
  need(isObject(bundle), "the document is not a JSON object");
  const members = Object.keys(bundle).sort().join(", ");
  need(members === "manifest, parts, signature", `the document has members ${members}; a bundle has exactly manifest, parts and signature`);
  need(isObject(bundle.parts), "parts is not an object");
  need(isObject(bundle.signature), "signature is not an object");
  const { manifest } = bundle;
  need(isObject(manifest), "manifest is not an object");
  const missing = MANIFEST_MEMBERS.filter((m) => !Object.hasOwn(manifest, m));
  need(missing.length === 0, `the manifest lacks ${missing.join(", ")}`);
  need(manifest.format === "throughline-audit-bundle", `the format is ${show(manifest.format)}, not throughline-audit-bundle`);
  need(manifest.version === 1 || manifest.version === 2, `the bundle is version ${show(manifest.version)}; this verifier reads versions 1 and 2`);
  // Later steps read these; a wrong shape is named here rather than crashing there.
  need(isObject(manifest.key) && isObject(manifest.parts), "the manifest's key and parts must be objects");
  need(Array.isArray(manifest.changes) && manifest.changes.every(isObject), "the manifest's changes must be a list of objects");
  exactly(manifest, MANIFEST_MEMBERS, "the manifest");
  exactly(manifest.key, ["alg", "kid", "public_key"], "the manifest's key");
  for (const change of manifest.changes) exactly(change, CHANGE_MEMBERS, "a change entry");
  return `Form: the document is a version ${manifest.version} Throughline audit bundle: a manifest, a signature and parts.`;
}

const kidOf = (raw) => sha256(raw).slice(0, 16);

function checkKey(bundle, trusted) {
  const { key } = bundle.manifest;
  const { signature } = bundle;
  need(key.alg === "Ed25519" && signature.alg === "Ed25519", "the key and the signature must both be Ed25519");
  const raw = fromBase64(key.public_key, "the manifest's public key");
  need(raw.length === 32, `the manifest's public key is ${raw.length} bytes, not 32`);
  need(key.kid === kidOf(raw), "the manifest's key id is not the one its public key gives");
  need(signature.kid === kidOf(raw), "the signature names a different key from the manifest's");
  if (trusted) {
    need(raw.equals(trusted), `the bundle was signed by key ${kidOf(raw)}, not by the key you trust (${kidOf(trusted)})`);
  }
  const trust = trusted ? "and it is the key you trust" : "with no trusted key to compare it with";
  return { raw, line: `Key: the bundle names Ed25519 key ${key.kid}, its id matching its bytes, ${trust}.` };
}

function checkSignature(bundle, raw) {
  const der = Buffer.concat([ED25519_SPKI_PREFIX, raw]);
  const publicKey = createPublicKey({ key: der, format: "der", type: "spki" });
  const signature = fromBase64(bundle.signature.value, "the signature");
  const signed = utf8(jcs(bundle.manifest));
  const holds = signature.length === 64 && verify(null, signed, publicKey, signature);
  need(holds, "the signature does not match the manifest: the manifest was changed or signed by another key");
  return "Signature: the manifest carries a valid Ed25519 signature by that key.";
}

function expectedPartNames(manifest) {
  const perChange = (c) => PART_KINDS.map((kind) => `changes/${c.change_id}/${kind}`);
  return [...manifest.changes.flatMap(perChange), "directory/events"];
}

function checkParts(bundle) {
  const ids = bundle.manifest.changes.map((change) => change.change_id);
  if (new Set(ids).size !== ids.length) throw new Broken("the manifest lists a change twice");
  const expected = expectedPartNames(bundle.manifest);
  const asSet = (names) => [...new Set(names)].sort().join("\n");
  const want = asSet(expected);
  need(asSet(Object.keys(bundle.parts)) === want, "the parts are not the ones its changes call for: some are missing or extra");
  need(asSet(Object.keys(bundle.manifest.parts)) === want, "the manifest's list of parts is not the ones its changes call for");
  for (const name of expected) {
    need(digest(bundle.parts[name]) === bundle.manifest.parts[name], `part ${name} was changed: its digest is not the manifest's`);
  }
  return `Parts: all ${expected.length} parts are present, each matching the digest the manifest signs.`;
}

// ---- Step 6: each change ---------------------------------------------------------

function checkEvents(change, log) {
  const scheme = change.hash_scheme;
  need(scheme === "jcs" || scheme === "sorted-json", `its hash scheme ${show(scheme)} is neither jcs nor sorted-json`);
  checkLinks(log, change.change_id, scheme, "the audit log");
  checkHead(log, change.events, change.head_hash, "the audit log");
  const texts = log.filter((e) => Object.hasOwn(e, "hashed")).length;
  const legacy = texts ? `, ${texts} of them through the text Python hashed` : "";
  return `the audit log links up under ${scheme} and ends at the signed head: ${plural(log.length, "event")}${legacy}.`;
}

function checkRefusals(change, refusals) {
  checkLinks(refusals, change.change_id, "sorted-json", "the refusals log");
  refusals.forEach((refusal, index) => {
    const counted = Number.isInteger(refusal.repeats) && refusal.repeats >= 0;
    need(counted, `the refusals log event ${index + 1} has no whole-number repeats`);
  });
  checkHead(refusals, change.refusals, change.refusals_head, "the refusals log");
  return `the refusals log links up under sorted-json and ends at the signed head: ${plural(refusals.length, "refused attempt")}.`;
}

/** Adds the evidence items a value carries (spec, "Evidence"): an object with a string
 * uri and sha256 is one item and is not walked further; other objects are walked in
 * JCS key order, arrays in order. */
function collectEvidence(value, event, found) {
  if (Array.isArray(value)) {
    value.forEach((item) => collectEvidence(item, event, found));
  } else if (isObject(value)) {
    if (typeof value.uri === "string" && typeof value.sha256 === "string") {
      const title = Object.hasOwn(value, "title") ? value.title : null;
      found.push({ seq: event.seq, kind: event.kind, title, uri: value.uri, sha256: value.sha256 });
    } else {
      Object.keys(value).sort().forEach((k) => collectEvidence(value[k], event, found));
    }
  }
}

function checkEvidence(log, evidence) {
  const carried = [];
  log.forEach((event) => collectEvidence(event.payload, event, carried));
  need(sameJson(evidence, carried), "the evidence part is not the fingerprints its events carry");
  return `the evidence part is what its events carry: ${plural(carried.length, "fingerprint")}.`;
}

/** One entry per act in a role, in order, naming the act's actor and role and citing
 * only directory events that are in the bundle. */
function checkAuthority(log, authority, directorySeqs) {
  need(Array.isArray(authority), "the authority part is not a list");
  const acts = log.filter((e) => e.role !== null).map((e) => e.seq);
  const entries = authority.map((a) => isObject(a) && a.seq);
  need(sameJson(entries, acts), "the authority part does not hold one entry for each act in a role");
  for (const entry of authority) {
    const act = log[entry.seq - 1];
    const about = `the authority entry for event ${entry.seq}`;
    need(act.actor === entry.actor && act.role === entry.role, `${about} names a different actor or role from the event`);
    need(HELD_BY.includes(entry.held_by), `${about} says the role was held by ${show(entry.held_by)}`);
    need(Array.isArray(entry.directory_seqs), `${about} has no list of directory events`);
    for (const seq of entry.directory_seqs) {
      need(directorySeqs.has(seq), `${about} cites directory event ${show(seq)}, which is not in the bundle`);
    }
  }
  return `the authority part accounts for each act in a role (${authority.length}), citing only directory events in the bundle.`;
}

/** One history's JSON, unpacked (base64, gunzip) and checked against its sha256. */
function unpackHistory(entry, where) {
  need(isObject(entry), `${where} is not an object`);
  const packed = fromBase64(entry.gzip_base64, `${where}'s gzip_base64`);
  let bytes;
  try {
    bytes = gunzipSync(packed);
  } catch (error) {
    throw new Broken(`${where} does not unpack: ${error.message}`);
  }
  need(sha256(bytes) === entry.sha256, `${where} is not the history its sha256 names`);
  let history;
  try {
    history = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new Broken(`${where} is not JSON`);
  }
  need(isObject(history) && Array.isArray(history.events) && history.events.length > 0, `${where} has no list of events`);
  return history;
}

/** The (seq, hash) pairs the workflow handed to its project_change activities, and
 * that its project_change_locally local activities returned: the workflow's own
 * record, which the database could not have rewritten. */
function recordedIn(history, where) {
  const recorded = [];
  for (const event of history.events) {
    need(isObject(event), `${where} holds an event that is not an object`);
    const projection = scheduledInput(event, where) ?? localRecord(event, where);
    if (projection === null) continue;
    need(isObject(projection) && Array.isArray(projection.events), `${where} has a projection with no events`);
    for (const e of projection.events) {
      need(isObject(e) && Number.isInteger(e.seq) && typeof e.hash === "string", `${where} records an event without its seq and hash`);
      recorded.push({ seq: e.seq, hash: e.hash });
    }
  }
  return recorded;
}

/** A project_change activity's input, or null for any other event. */
function scheduledInput(event, where) {
  const scheduled = event.activityTaskScheduledEventAttributes;
  if (scheduled === undefined) return null;
  need(isObject(scheduled) && isObject(scheduled.activityType), `${where} has a scheduled activity that cannot be read`);
  if (scheduled.activityType.name !== "project_change") return null;
  return payloadJson(scheduled.input, `${where} has a project_change input that is not base64 of JSON`);
}

/** What a project_change_locally local activity returned, from its marker; null for
 * any other event, and for one that failed for good, whose marker has no result. */
function localRecord(event, where) {
  const marker = event.markerRecordedEventAttributes;
  if (marker === undefined) return null;
  need(isObject(marker), `${where} has a marker that cannot be read`);
  if (marker.markerName !== "core_local_activity") return null;
  const details = marker.details;
  need(isObject(details), `${where} has a local activity marker that cannot be read`);
  if (details.result === undefined) return null;
  const about = payloadJson(details.data, `${where} has a local activity marker whose data is not base64 of JSON`);
  need(isObject(about), `${where} has a local activity marker whose data is not an object`);
  if (about.activity_type !== "project_change_locally") return null;
  return payloadJson(details.result, `${where} has a project_change_locally result that is not base64 of JSON`);
}

/** Payload bytes are UTF-8 or nothing: a byte that is not fails, as in Python. */
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function payloadJson(payloads, problem) {
  try {
    return JSON.parse(STRICT_UTF8.decode(fromBase64(payloads?.payloads?.[0]?.data, "payload")));
  } catch {
    throw new Broken(problem);
  }
}

const ENDINGS = {
  EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED: "completed",
  EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW: "continued",
};

/** The run a history continued from (or null), and whether it completed, continued
 * as new, or is something else (open, or ended another way). */
function runOf(history, where) {
  const started = history.events[0].workflowExecutionStartedEventAttributes;
  need(isObject(started), `${where} does not begin with the start of a run`);
  const last = history.events[history.events.length - 1];
  return { follows: started.continuedExecutionRunId || null, ending: ENDINGS[last.eventType] ?? "other" };
}

function checkHistories(change, log, histories) {
  need(Array.isArray(histories), "the histories part is not a list");
  const runs = histories.map((h) => isObject(h) && h.run_id);
  need(sameJson(runs, change.histories), "the histories are not the runs the manifest lists, in order");
  if (histories.length === 0) return "no Temporal history remains; the log stands on its chain and signature alone.";
  let highest = 0;
  let ending = "other";
  histories.forEach((entry, index) => {
    const where = `history ${index + 1}`;
    const history = unpackHistory(entry, where);
    const recorded = recordedIn(history, where);
    const run = runOf(history, where);
    need(index === 0 || run.follows === histories[index - 1].run_id, `${where} does not continue the run before it`);
    for (const { seq, hash } of recorded) {
      const event = seq >= 1 ? log[seq - 1] : undefined;
      need(event !== undefined && event.hash === hash, `${where} recorded event ${show(seq)} with a hash the audit log does not hold`);
      highest = Math.max(highest, seq);
    }
    ending = run.ending;
  });
  need(ending !== "continued", "the last history continued as new, but the run after it is missing");
  need(highest === log.length, `the histories record events up to ${highest}, but the log holds ${log.length}`);
  const runsText = plural(histories.length, "Temporal history", "Temporal histories");
  return `the histories (${runsText}) unpack to their fingerprints, follow one run to the next, and record the log's events, up to its last.`;
}

function checkChange(bundle, change, directorySeqs) {
  const part = (kind) => bundle.parts[`changes/${change.change_id}/${kind}`];
  const log = part("events");
  const lines = [
    checkEvents(change, log),
    checkRefusals(change, part("refusals")),
    checkEvidence(log, part("evidence")),
    checkAuthority(log, part("authority"), directorySeqs),
    checkHistories(change, log, part("histories")),
  ];
  return lines.map((line) => `Change ${change.change_id}: ${line}`);
}

// ---- Step 5: directory events ----------------------------------------------------

/** Directory events are a selection from the directory's log, so they do not link;
 * each one's hash is checked alone, and their order kept. */
function checkDirectory(bundle) {
  const events = bundle.parts["directory/events"];
  need(Array.isArray(events), "the directory part is not a list");
  let last = 0;
  events.forEach((event, index) => {
    const where = `directory event ${index + 1}`;
    const fields = hashedFields(event, where);
    need(Number.isInteger(fields.seq) && fields.seq > last, `${where} is out of order`);
    need(fields.change_id === events[0].change_id, `${where} belongs to another log`);
    need(hashHolds(event, fields, "sorted-json", where), `${where} was altered after it was written: its hash does not match`);
    last = fields.seq;
  });
  const said = bundle.manifest.directory_events;
  need(events.length === said, `the directory part holds ${events.length} events; the manifest says ${show(said)}`);
  return `Directory: ${plural(events.length, "event")} about the people who acted, each hash as written.`;
}

// ---- Running the checks, and the command line ------------------------------------

/** Every step of the spec's "Verifying", in order: yields a line for each check that
 * passes and throws Broken at the first that fails. */
function* checks(bundle, trusted) {
  yield checkForm(bundle);
  const { raw, line } = checkKey(bundle, trusted);
  yield line;
  yield checkSignature(bundle, raw);
  yield checkParts(bundle);
  yield checkDirectory(bundle);
  const directorySeqs = new Set(bundle.parts["directory/events"].map((e) => e.seq));
  for (const change of bundle.manifest.changes) yield* checkChange(bundle, change, directorySeqs);
}

/** The trusted key from the command line: base64, or a file of base64 or key JSON. */
function readTrustedKey(given) {
  let text = given;
  if (existsSync(given) && statSync(given).isFile()) text = readFileSync(given, "utf8").trim();
  if (text.startsWith("{")) {
    try {
      text = JSON.parse(text).public_key;
    } catch {
      throw new UsageError(`${given} is not the JSON of a public key`);
    }
  }
  const raw = fromBase64(text, `--public-key ${given}`, (problem) => new UsageError(problem));
  if (raw.length !== 32) {
    throw new UsageError(`--public-key is ${raw.length} bytes, not an Ed25519 key's 32`);
  }
  return raw;
}

function parseArguments(args) {
  const rest = [...args];
  let keyArgument = null;
  const at = rest.indexOf("--public-key");
  if (at !== -1) {
    if (at + 1 >= rest.length) throw new UsageError(`--public-key needs a value\n${USAGE}`);
    keyArgument = rest.splice(at, 2)[1];
  }
  if (rest.length !== 1 || rest[0].startsWith("-")) throw new UsageError(USAGE);
  return { path: rest[0], trusted: keyArgument === null ? null : readTrustedKey(keyArgument) };
}

function readBundle(path) {
  let text;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${error.message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not JSON: ${error.message}`);
  }
}

/** Runs the checks, printing one line each; returns the exit status. */
function verifyBundle(bundle, trusted) {
  if (!trusted) {
    // The spec asks for this: a bundle's own key proves only that it is self-consistent.
    console.log("Note: no --public-key was given, so the bundle is checked only against the key it names; compare that key with the one Throughline publishes.");
  }
  try {
    for (const line of checks(bundle, trusted)) console.log(`ok  ${line}`);
  } catch (error) {
    // Anything else thrown means a part had a shape no check foresaw: still not intact.
    const problem = error instanceof Broken ? error.message : `the bundle is malformed (${error.message})`;
    console.log(`FAILED  ${problem}`);
    return 1;
  }
  const against = trusted ? "the key you trust" : "only the key it names: pass --public-key";
  console.log(`INTACT  the bundle checks out, against ${against}`);
  return 0;
}

function main(args) {
  try {
    const { path, trusted } = parseArguments(args);
    return verifyBundle(readBundle(path), trusted);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    return 2;
  }
}

process.exitCode = main(process.argv.slice(2));
