package jp.enclave.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DuckDB's x::T binds tighter than any operator: each row is the shorthand and its CAST form. */
class CastShorthandTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "SELECT a > b::INT|SELECT a > CAST(b AS INT)",
      "SELECT a + b::DOUBLE|SELECT a + CAST(b AS DOUBLE)",
      "SELECT (a + b)::DOUBLE|SELECT CAST((a + b) AS DOUBLE)",
      "SELECT f(a, b)::VARCHAR|SELECT CAST(f(a, b) AS VARCHAR)",
      "SELECT t.col::INT|SELECT CAST(t.col AS INT)",
      "SELECT \"t\".\"c\"::INT|SELECT CAST(\"t\".\"c\" AS INT)",
      "SELECT '2024-01-01'::DATE - INTERVAL '1' YEAR|SELECT CAST('2024-01-01' AS DATE) - INTERVAL '1' YEAR",
      "SELECT x BETWEEN '2023-10-01'::DATE AND '2024-03-31'::DATE|SELECT x BETWEEN CAST('2023-10-01' AS DATE) AND CAST('2024-03-31' AS DATE)",
      "SELECT a::INT::VARCHAR|SELECT CAST(CAST(a AS INT) AS VARCHAR)",
      "SELECT v::DECIMAL(10, 2)|SELECT CAST(v AS DECIMAL(10, 2))",
      "SELECT 1.5::INT|SELECT CAST(1.5 AS INT)",
      "SELECT -1::INT|SELECT -CAST(1 AS INT)",
      "SELECT l[1]::INT|SELECT CAST(l[1] AS INT)",
      "SELECT 'a::b' AS s, x::INT|SELECT 'a::b' AS s, CAST(x AS INT)",
      "SELECT x -- y::INT|SELECT x -- y::INT",
      "SELECT sum(flag::INTEGER)|SELECT sum(CAST(flag AS INTEGER))",
      "SELECT x::DOUBLE PRECISION|SELECT CAST(x AS DOUBLE PRECISION)"})
  void shorthandBindsToTheOperandJustBefore(String in, String out) {
    assertThat(CastShorthand.rewrite(in).text()).isEqualTo(out);
  }
}
