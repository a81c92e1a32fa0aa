package jp.enclave.gateway.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.KeysetHandle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import jp.enclave.gateway.core.GatewayRefusal;
import jp.enclave.gateway.core.GatewaySession;
import org.junit.jupiter.api.Test;

class TokenVerifierTest {
  private static final KeysetHandle KEY = SessionTokens.newSigningKeyset();
  private static final TokenVerifier P1 = new TokenVerifier(SessionTokens.publicJwkSet(KEY), "p1", Clock.systemUTC());
  private static final Instant CERT = Instant.parse("2030-01-01T00:00:00Z");

  private static String token(KeysetHandle key, String project, String kind, Instant now, Duration ttl) {
    return SessionTokens.issue(key, new SessionTokens.Claims("alice", project, kind, List.of("researcher", "reviewer"),
        "org-9", "type2", CERT, "sess-1"), now, ttl);
  }

  private static String refusal(String token) {
    try {
      P1.verify(token);
    } catch (GatewayRefusal r) {
      return r.refusal().render();
    }
    return "accepted";
  }

  /** What a careless or compromised signer could write: the enclave's key, claims of its choosing. */
  private static String signedWithoutIssueTime(Instant exp) throws Exception {
    com.google.crypto.tink.jwt.RawJwt raw = com.google.crypto.tink.jwt.RawJwt.newBuilder()
        .setIssuer(SessionTokens.ISSUER).setAudience(SessionTokens.AUDIENCE).setSubject("alice").setJwtId("sess-x")
        .setExpiration(exp)
        .addStringClaim(SessionTokens.PROJECT, "p1").addStringClaim(SessionTokens.SESSION_KIND, "remote")
        .addJsonArrayClaim(SessionTokens.ROLES, "[\"researcher\"]").addStringClaim(SessionTokens.ORG, "org-9")
        .addStringClaim(SessionTokens.ORG_CERT_TYPE, "type2")
        .addNumberClaim(SessionTokens.ORG_CERT_VALID_UNTIL, CERT.getEpochSecond())
        .build();
    return KEY.getPrimitive(com.google.crypto.tink.RegistryConfiguration.get(),
        com.google.crypto.tink.jwt.JwtPublicKeySign.class).signAndEncode(raw);
  }

  @Test
  void validlySignedTokensLivingLongerThanTheGatewayHonoursAreRefused() throws Exception {
    Instant now = Instant.now();
    assertThat(refusal(token(KEY, "p1", "remote", now, Duration.ofDays(3650))))
        .startsWith("GW-TOKEN-INVALID").contains("lifetime of 87600 h exceeds the 12 h the gateway honours");
    assertThat(refusal(token(KEY, "p1", "remote", now, Duration.ofHours(12).plusMinutes(1))))
        .contains("lifetime of 12 h 1 min exceeds");
    assertThat(refusal(token(KEY, "p1", "remote", now, Duration.ofHours(12)))).isEqualTo("accepted");
    // Issued "tomorrow" so that exp - iat looks short: refused, iat may not lie in the future.
    assertThat(refusal(token(KEY, "p1", "remote", now.plus(Duration.ofDays(1)), Duration.ofHours(1))))
        .contains("claims to be issued in the future");
    // Within the clock skew a slightly fast issuer is still accepted.
    assertThat(refusal(token(KEY, "p1", "remote", now.plusSeconds(10), Duration.ofHours(1)))).isEqualTo("accepted");
    assertThat(refusal(signedWithoutIssueTime(now.plus(Duration.ofHours(1)))))
        .startsWith("GW-TOKEN-INVALID").contains("no iat claim");
    TokenVerifier strict = new TokenVerifier(SessionTokens.publicJwkSet(KEY), "p1", Clock.systemUTC(), Duration.ofHours(1));
    assertThatThrownBy(() -> strict.verify(token(KEY, "p1", "remote", now, Duration.ofHours(2))))
        .hasMessageContaining("exceeds the 1 h the gateway honours");
  }

  private static String code(String token) {
    try {
      P1.verify(token);
    } catch (GatewayRefusal r) {
      return r.code();
    }
    return "accepted";
  }

  @Test
  void validTokenBecomesTheSessionItDescribes() {
    GatewaySession s = P1.verify(token(KEY, "p1", "onsite", Instant.now(), Duration.ofHours(2)));
    assertThat(s.userId()).isEqualTo("alice");
    assertThat(s.projectId()).isEqualTo("p1");
    assertThat(s.kind()).isEqualTo(GatewaySession.SessionKind.ONSITE);
    assertThat(s.sessionId()).isEqualTo("sess-1");
    assertThat(s.subject().roles()).containsExactlyInAnyOrder("researcher", "reviewer");
    assertThat(s.subject().certificationType()).isEqualTo("type2");
    assertThat(s.subject().certifiedUntil()).isEqualTo(CERT);
    assertThat(s.expiresAt()).isAfter(Instant.now().plus(Duration.ofMinutes(119)));
  }

  @Test
  void everyKindOfBadTokenIsRefused() {
    Instant now = Instant.now();
    assertThat(code(token(KEY, "p2", "remote", now, Duration.ofHours(1)))).isEqualTo("GW-TOKEN-WRONG-PROJECT");
    assertThat(code(token(KEY, "p1", "remote", now.minus(Duration.ofHours(2)), Duration.ofHours(1)))).isEqualTo("GW-TOKEN-INVALID");
    assertThat(code(token(KEY, "p1", "kiosk", now, Duration.ofHours(1)))).isEqualTo("GW-TOKEN-INVALID");
    assertThat(code(token(SessionTokens.newSigningKeyset(), "p1", "remote", now, Duration.ofHours(1)))).isEqualTo("GW-TOKEN-INVALID");
    String good = token(KEY, "p1", "remote", now, Duration.ofHours(1));
    String[] parts = good.split("\\.");
    String tampered = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "AA." + parts[2];
    assertThat(code(tampered)).isEqualTo("GW-TOKEN-INVALID");
    assertThat(code("")).isEqualTo("GW-TOKEN-INVALID");
    assertThat(code("x".repeat(10_000))).isEqualTo("GW-TOKEN-INVALID");
    assertThat(code(good)).isEqualTo("accepted");
  }

  @Test
  void verifierNeedsAPublicKeyOnly() {
    assertThatThrownBy(() -> new TokenVerifier("{\"keys\":[]}", "p1", Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(SessionTokens.publicJwkSet(KEY)).doesNotContain("\"d\"");
  }

  @Test
  void thePostgreSqlVerifierClaimIsOptional() {
    Instant now = Instant.now();
    assertThat(P1.verifyAll(token(KEY, "p1", "remote", now, Duration.ofHours(1))).pgScramVerifier()).isEmpty();
    String verifier = jp.enclave.gateway.pgwire.ScramSha256.newVerifier("per-session-password");
    String withPg = SessionTokens.issue(KEY, new SessionTokens.Claims("alice", "p1", "remote", List.of("researcher"),
        "org-9", "type2", CERT, "sess-pg", verifier), now, Duration.ofHours(1));
    TokenVerifier.Verified v = P1.verifyAll(withPg);
    assertThat(v.pgScramVerifier()).contains(verifier);
    assertThat(v.session().sessionId()).isEqualTo("sess-pg");
    assertThat(P1.verify(withPg)).isEqualTo(v.session());
  }
}
