package jp.enclave.server.access;

import java.util.List;
import jp.enclave.policies.Decision;

/** Every refusal the server makes, one factory each (codes are stable: clients and bundles key on them). */
public final class Refusals {
  private Refusals() {}

  /** A Cedar denial: the code is the deciding forbid policy's @id, or not-permitted (deny by default). */
  public static Refusal denied(String action, Decision d) {
    String code = d.policyIds().isEmpty() ? "not-permitted" : d.policyIds().get(0);
    return new Refusal(code, Refusal.Kind.FORBIDDEN, action + " refused: " + d.reason(), d.policyIds());
  }

  public static Refusal notRegistered(String subject) {
    return new Refusal("user-not-registered", Refusal.Kind.FORBIDDEN,
        "user " + subject + " is not registered with an organisation; a data steward registers users", List.of());
  }

  public static Refusal notFound(String what, String id) {
    return new Refusal(what + "-not-found", Refusal.Kind.NOT_FOUND, "no " + what + " '" + clip(id) + "'", List.of());
  }

  /** An id as the caller sent it, bounded: a 100,000-character id is not echoed back whole. */
  public static String clip(String id) {
    return id == null ? "" : id.length() > 64 ? id.substring(0, 64) + "…" : id;
  }

  /** A request body above the call's limit, refused before it is read into memory. */
  public static Refusal tooLarge(long limit) {
    return new Refusal("request-too-large", Refusal.Kind.TOO_LARGE, "the request body is larger than this call takes ("
        + limit + " bytes; export files go one item per request, up to 16 MiB each)", List.of());
  }

  /** A body that is not JSON text this server can store: not UTF-8, or a string with U+0000 (PostgreSQL text cannot hold it). */
  public static Refusal malformed(String why) {
    return new Refusal("malformed-request", Refusal.Kind.INVALID, "the request body is not the JSON this call expects: "
        + why, List.of(why));
  }

  public static Refusal exists(String what, String id) {
    return new Refusal(what + "-exists", Refusal.Kind.CONFLICT, what + " '" + id + "' is already registered", List.of());
  }

  public static Refusal invalid(String what, List<String> problems) {
    return new Refusal("invalid-" + what, Refusal.Kind.INVALID,
        "the " + what + " is not valid: " + String.join("; ", problems), problems);
  }

  public static Refusal stale(String what, String id, long expected, long actual) {
    return new Refusal("stale-edit", Refusal.Kind.CONFLICT, what + " '" + id + "' was changed by someone else (version "
        + actual + ", your edit was based on " + expected + "); reload and edit again", List.of());
  }

  public static Refusal transition(String sessionId, String state, String action) {
    return new Refusal("session-transition-invalid", Refusal.Kind.CONFLICT,
        "session " + sessionId + " is " + state + " and cannot be " + action, List.of());
  }

  public static Refusal unauthenticated(String why) {
    return new Refusal("unauthenticated", Refusal.Kind.UNAUTHENTICATED, "not signed in: " + why, List.of());
  }

  /** A gateway endpoint called without the credential the server gave that project's gateway. */
  public static Refusal gatewayCredential(String project, String why) {
    return new Refusal("gateway-credential-invalid", Refusal.Kind.UNAUTHENTICATED,
        "not the gateway of project " + project + ": " + why, List.of());
  }

  public static Refusal idempotencyKeyMissing() {
    return new Refusal("idempotency-key-missing", Refusal.Kind.INVALID,
        "a POST needs an Idempotency-Key header (a fresh UUID per intended change)", List.of());
  }

  public static Refusal idempotencyKeyReused(String key) {
    return new Refusal("idempotency-key-reused", Refusal.Kind.CONFLICT,
        "Idempotency-Key " + key + " was already used for a different request", List.of());
  }

  public static Refusal visitTransition(String visitId, String state, String action) {
    return new Refusal("visit-transition-invalid", Refusal.Kind.CONFLICT,
        "visit " + visitId + " is " + state + " and cannot be " + action, List.of());
  }

  /** An alert is acknowledged once; a second acknowledgement changes nothing. */
  public static Refusal alertAcknowledged(String alertId, String by) {
    return new Refusal("alert-already-acknowledged", Refusal.Kind.CONFLICT,
        "alert " + alertId + " was already acknowledged by " + by, List.of());
  }

  public static Refusal jobTransition(String jobId, String state, String event) {
    return new Refusal("provisioning-transition-invalid", Refusal.Kind.CONFLICT,
        "provisioning job " + jobId + " is " + state + " and cannot take " + event, List.of());
  }

  public static Refusal provisioningUnavailable(String why) {
    return new Refusal("provisioning-unavailable", Refusal.Kind.CONFLICT,
        "provisioning cannot run on this server: " + why, List.of());
  }

  // --- export airlock ---

  public static Refusal exportTransition(String requestId, String state, String action) {
    return new Refusal("export-transition-invalid", Refusal.Kind.CONFLICT,
        "export request " + requestId + " is " + state + "; '" + action + "' is not possible now", List.of());
  }

  public static Refusal wrongParty(String requestId, String action, String party) {
    return new Refusal("not-permitted", Refusal.Kind.FORBIDDEN,
        "'" + action + "' on export request " + requestId + " is for the " + party + " only", List.of());
  }

  public static Refusal alreadyVoted(String requestId) {
    return new Refusal("already-voted", Refusal.Kind.CONFLICT,
        "you have already voted on export request " + requestId + "; a vote cannot be changed", List.of());
  }

  // --- PMDA re-identification ---

  public static Refusal reidTransition(String requestId, String state, String action) {
    return new Refusal("reid-transition-invalid", Refusal.Kind.CONFLICT,
        "re-identification request " + requestId + " is " + state + "; '" + action + "' is not possible now", List.of());
  }

  public static Refusal sameOfficer(String requestId) {
    return new Refusal("same-officer", Refusal.Kind.CONFLICT, "you have already approved re-identification request "
        + requestId + "; a second, different officer must approve it", List.of());
  }

  public static Refusal outsideSubmission(String exportId, List<String> pseudonyms) {
    return new Refusal("pseudonyms-outside-submission", Refusal.Kind.FORBIDDEN, pseudonyms.size()
        + " pseudonym(s) do not appear in the released submission " + exportId
        + ": only pseudonyms of that submission can be re-identified", pseudonyms);
  }

  // --- project end ---

  /** A second end of a project that is ending or has ended. */
  public static Refusal projectAlreadyEnded(String projectId, String state) {
    return new Refusal("project-already-ended", Refusal.Kind.CONFLICT, "project " + projectId + " is already "
        + state + "; a project ends once", List.of());
  }

  public static Refusal closureTransition(String projectId, String state, String event) {
    return new Refusal("closure-transition-invalid", Refusal.Kind.CONFLICT,
        "the end of project " + projectId + " is " + state + "; '" + event + "' is not possible now", List.of());
  }

  /** A session, a provisioning or another use of a project that has ended (or is ending). */
  public static Refusal projectEnded(String projectId, String why) {
    return new Refusal("project-ended", Refusal.Kind.FORBIDDEN, "project " + projectId + " has ended (" + why
        + "): it can no longer be used", List.of());
  }
}
