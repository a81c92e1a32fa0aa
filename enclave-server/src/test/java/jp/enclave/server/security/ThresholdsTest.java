package jp.enclave.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jp.enclave.server.security.Thresholds.Crossing;
import jp.enclave.server.security.Thresholds.Observation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The alert rules row by row: which observations cross which threshold, in which window. */
class ThresholdsTest {
  static final Thresholds RULES = Thresholds.of(3, 5, 2, 4);
  static final Instant HOUR = Instant.parse("2026-06-01T10:00:00Z");

  static List<Observation> times(String event, String subject, int n, long spacingSeconds) {
    List<Observation> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Observation(event, subject, HOUR.plusSeconds(60 + i * spacingSeconds)));
    }
    return out;
  }

  static Stream<Arguments> rows() {
    return Stream.of(
        Arguments.of("3 refused queries of one user in an hour", times("query.refused", "u-1", 3, 60),
            List.of("refused-queries u-1 3")),
        Arguments.of("2 refused queries stay below 3", times("query.refused", "u-1", 2, 60), List.of()),
        Arguments.of("3 refused queries across two hours do not add up", times("query.refused", "u-1", 3, 1800),
            List.of()),
        Arguments.of("3 refused queries of three users raise nothing",
            Stream.of("a", "b", "c").flatMap(u -> times("query.refused", u, 1, 60).stream()).toList(), List.of()),
        Arguments.of("5 failed logins of one account", times("login.failed", "reviewer", 5, 30),
            List.of("failed-logins reviewer 5")),
        Arguments.of("4 failed logins stay below 5", times("login.failed", "reviewer", 4, 30), List.of()),
        Arguments.of("one broken zone trail is an alert", times("audit.zone-trail-broken", "gateway", 1, 0),
            List.of("zone-trail-broken gateway 1")),
        Arguments.of("2 revocations on one project in a day", times("session.revoked", "p-dm", 2, 3600),
            List.of("revocations p-dm 2")),
        Arguments.of("4 failed gateway logins (wrong passwords, refused tokens) on one project in an hour",
            times("gateway.auth-failed", "p-dm", 4, 60), List.of("gateway-auth-failures p-dm 4")),
        Arguments.of("3 failed gateway logins stay below 4", times("gateway.auth-failed", "p-dm", 3, 60), List.of()),
        Arguments.of("accepted queries are not counted", times("query.accepted", "u-1", 50, 1), List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void row(String name, List<Observation> seen, List<String> expected) {
    assertThat(RULES.crossings(seen)).extracting((Crossing c) -> c.rule() + " " + c.subject() + " " + c.observed())
        .containsExactlyElementsOf(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void aRuleSwitchedOffRaisesNothing(String name, List<Observation> seen, List<String> expected) {
    assertThat(Thresholds.of(0, 0, 0, 0).crossings(seen)).allMatch(c -> c.rule().equals(Thresholds.ZONE_TRAIL_BROKEN));
  }
}
