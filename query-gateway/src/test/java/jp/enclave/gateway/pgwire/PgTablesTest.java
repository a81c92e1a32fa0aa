package jp.enclave.gateway.pgwire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import jp.enclave.gateway.core.GatewayRefusal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The front end's tables, row by row: settings, SQLSTATEs, value formats, the SCRAM verifier format. */
class PgTablesTest {
  @ParameterizedTest
  @EnumSource(PgChatter.Setting.class)
  void everySettingCanBeShownAndIfSettableSetToItsInitialValue(PgChatter.Setting s) {
    PgChatter.Action show = PgChatter.classify(PgSql.tokens("SHOW " + s.pgName));
    assertThat(show).isEqualTo(new PgChatter.Show(s, s.pgName.equalsIgnoreCase("timezone") ? "TimeZone" : s.pgName));
    if (s.settable != null) {
      String value = s.initial.isEmpty() ? "x" : s.initial;
      assertThat(PgChatter.classify(PgSql.tokens("SET " + s.pgName + " = '" + value + "'")))
          .isEqualTo(new PgChatter.SetValue(s, value));
    } else {
      assertThatThrownBy(() -> PgChatter.classify(PgSql.tokens("SET " + s.pgName + " = 'x'")))
          .isInstanceOf(PgError.class).hasFieldOrPropertyWithValue("code", "GW-SETTING-NOT-ALLOWED");
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"lab_result|lab_result|true", "lab_result|lab%|true", "lab_result|%result|true",
      "lab_result|lab_resul_|true", "lab_result|lab\\_result|true", "labxresult|lab\\_result|false",
      "labxresult|lab_result|true", "lab_result|%|true", "lab_result|%%|true", "lab_result|LAB%|false",
      "patient|pat|false", "patient|patient_|false", "a%b|a\\%b|true", "axb|a\\%b|false", "a\\b|a\\\\b|true",
      "patient|patient\\|false"})
  void jdbcPatternsAreLikeWithBackslashEscape(String value, String pattern, boolean matches) {
    assertThat(jp.enclave.gateway.core.CatalogView.like(value, pattern, '\\')).isEqualTo(matches);
  }

  @org.junit.jupiter.api.Test
  void aPathologicalPatternCostsLinearTime() {
    String pattern = "%a".repeat(5_000) + "b";
    long t0 = System.nanoTime();
    assertThat(jp.enclave.gateway.core.CatalogView.like("a".repeat(60), pattern, '\\')).isFalse();
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - t0)).isLessThan(java.time.Duration.ofSeconds(1));
  }

  @ParameterizedTest
  @EnumSource(GatewayRefusal.Kind.class)
  void everyRefusalKindHasASqlState(GatewayRefusal.Kind kind) {
    assertThat(PgError.BY_KIND.get(kind)).matches("[0-9A-Z]{5}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "1", "-1", "0.5", "10000", "123456789.000123", "-0.0001", "99999999999999999999.99",
      "1E+5", "0.00", "-12345678.9012", "3.14159265358979323846"})
  void numericBinaryRoundTrips(String value) {
    BigDecimal v = new BigDecimal(value);
    BigDecimal back = PgTypes.numericFromBinary(ByteBuffer.wrap(PgTypes.numericBinary(v)));
    assertThat(back.compareTo(v)).isZero();
    assertThat(back.scale()).isEqualTo(Math.max(0, v.scale()));
  }

  @ParameterizedTest
  @CsvSource({"0.1,0.1", "1.5,1.5", "100,100", "1e15,1e+15", "123456789012345,123456789012345", "1e-5,1e-05",
      "0.0001,0.0001", "-2.5e-7,-2.5e-07", "NaN,NaN", "Infinity,Infinity"})
  void doublesPrintAsPostgreSqlPrintsThem(double value, String text) {
    assertThat(PgTypes.floatText(value, false)).isEqualTo(text);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {"23|42|42", "20|-7|(-7)", "1700|2.50|2.50", "25|it's|'it''s'",
      "1082|2024-02-29|DATE '2024-02-29'", "1114|2024-02-29 12:34:56.5|TIMESTAMP '2024-02-29 12:34:56.500000'",
      "16|t|TRUE", "0|日本語|'日本語'", "0|1980-01-01 +00|DATE '1980-01-01'", "0|1980-01-01 +09|DATE '1980-01-01'",
      "0|2024-01-02 03:04:05.123456+00|TIMESTAMP '2024-01-02 03:04:05.123456'", "0|2024-01-02 03:04:05-00:00|TIMESTAMP '2024-01-02 03:04:05.000000'",
      "0|1980-01-01|'1980-01-01'", "0|1980-01-01 +00 x|'1980-01-01 +00 x'"})
  void textParametersBecomeTypedLiterals(int oid, String value, String literal) {
    assertThat(PgTypes.literal(oid, false, value.getBytes(java.nio.charset.StandardCharsets.UTF_8), 1)).isEqualTo(literal);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"1184|2024-02-29 12:00:00+09|GW-PARAMETER-TYPE", "23|12a|GW-PARAMETER-TYPE",
      "25|a\u0007b|GW-PARAMETER-VALUE", "701|NaN|GW-PARAMETER-TYPE", "17|x|GW-PARAMETER-TYPE",
      "0|2024-01-02 03:04:05+09|GW-PARAMETER-TYPE", "0|2024-02-30 +00|GW-PARAMETER-TYPE"})
  void parametersThatCannotBeWrittenExactlyAreRefused(int oid, String value, String code) {
    assertThatThrownBy(() -> PgTypes.literal(oid, false, value.getBytes(java.nio.charset.StandardCharsets.UTF_8), 1))
        .isInstanceOfSatisfying(GatewayRefusal.class, r -> assertThat(r.code()).isEqualTo(code));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "SCRAM-SHA-256$4096:c2FsdA==$AA==:AA==", "MD5$x", "SCRAM-SHA-256$x:c2FsdHNhbHQ=$"
      + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="})
  void malformedVerifiersAreRejected(String text) {
    assertThatThrownBy(() -> ScramSha256.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @org.junit.jupiter.api.Test
  void aVerifierMatchesItsPasswordOnly() {
    ScramSha256.Verifier v = ScramSha256.parse(ScramSha256.newVerifier("correct horse"));
    assertThat(v.matches("correct horse")).isTrue();
    assertThat(v.matches("correct horse ")).isFalse();
    assertThat(ScramSha256.parse(v.encode()).matches("correct horse")).isTrue();
  }
}
