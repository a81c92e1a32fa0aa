package jp.enclave.gateway.core;

import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.runtime.CalciteException;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorUtil;

/**
 * Stage 3: resolve every name against the project catalog only, with identifier expansion on so
 * that every column in the tree comes out qualified and every {@code *} is spelled out before the
 * policy sees it. Unknown tables, columns and functions become refusals at their position.
 */
final class CatalogValidation {
  private static final SqlOperatorTable OPERATORS = Allowlists.operatorTable();

  private static final SqlValidator.Config VALIDATOR_CONFIG = SqlValidator.Config.DEFAULT
      .withTypeCoercionRules(DuckDbCasts.RULES)
      .withIdentifierExpansion(true)
      .withConformance(SqlParsing.CONFORMANCE)
      .withCallRewrite(false);

  private final ProjectCatalog catalog;

  CatalogValidation(ProjectCatalog catalog) {
    this.catalog = catalog;
  }

  /** A validated tree and the validator that resolved it (its scopes say what each name means). */
  record Validated(SqlNode node, SqlValidator validator) {}

  /** Validates (and, through expansion, rewrites) the tree in place; returns the validated root. */
  SqlNode validate(SqlNode node) {
    return resolve(node).node();
  }

  /** Validates the tree and keeps the validator, for the column analysis that follows. */
  Validated resolve(SqlNode node) {
    SqlValidator validator = SqlValidatorUtil.newValidator(OPERATORS, catalog.catalogReader(),
        catalog.typeFactory(), VALIDATOR_CONFIG);
    try {
      return new Validated(validator.validate(node), validator);
    } catch (CalciteContextException e) {
      SqlParserPos pos = new SqlParserPos(e.getPosLine(), e.getPosColumn());
      throw refusal(pos, e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
    } catch (CalciteException e) {
      throw Refusals.denyInvalid(SqlParserPos.ZERO, clean(e.getMessage()));
    } catch (StackOverflowError e) {
      throw Refusals.denyTooDeep(0, 0, 0);
    }
  }

  private static RuntimeException refusal(SqlParserPos pos, String message) {
    String m = message == null ? "" : message;
    java.util.regex.Matcher table = java.util.regex.Pattern.compile("^Object '([^']*)' not found").matcher(m);
    if (table.find()) {
      return Refusals.denyUnknownTable(pos, table.group(1));
    }
    java.util.regex.Matcher column = java.util.regex.Pattern.compile("^Column '([^']*)' not found").matcher(m);
    if (column.find()) {
      return Refusals.denyUnknownColumn(pos, column.group(1));
    }
    java.util.regex.Matcher function = java.util.regex.Pattern.compile("^No match found for function signature ([^(<]*)").matcher(m);
    if (function.find()) {
      String name = function.group(1).trim();
      if (Allowlists.function(name).isPresent()) {
        return Refusals.denyInvalid(pos, "the arguments of " + name + " do not match its allowed forms (" + clean(m) + ")");
      }
      return Refusals.denyFunction(pos, name);
    }
    return Refusals.denyInvalid(pos, clean(m));
  }

  private static String clean(String message) {
    String m = message == null ? "invalid query" : message.lines().findFirst().orElse(message);
    return m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
  }
}
