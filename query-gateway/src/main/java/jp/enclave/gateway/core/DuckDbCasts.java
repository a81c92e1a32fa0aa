package jp.enclave.gateway.core;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.sql.type.SqlTypeCoercionRule;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The casts Calcite's validator accepts, widened to what DuckDB allows and researchers write:
 * a boolean cast to a number ({@code sum(flag::INTEGER)}) is 1 or 0 in DuckDB. Validation only;
 * DuckDB performs every cast itself.
 */
final class DuckDbCasts {
  private DuckDbCasts() {}

  static final SqlTypeCoercionRule RULES;

  static {
    Map<SqlTypeName, Set<SqlTypeName>> mapping = new HashMap<>();
    SqlTypeCoercionRule.instance().getTypeMapping().forEach((to, from) -> mapping.put(to, new HashSet<>(from)));
    for (SqlTypeName number : SqlTypeName.NUMERIC_TYPES) {
      mapping.computeIfAbsent(number, k -> new HashSet<>()).add(SqlTypeName.BOOLEAN);
    }
    Map<SqlTypeName, com.google.common.collect.ImmutableSet<SqlTypeName>> rules = new HashMap<>();
    mapping.forEach((to, from) -> rules.put(to, com.google.common.collect.ImmutableSet.copyOf(from)));
    RULES = SqlTypeCoercionRule.instance(rules);
  }
}
