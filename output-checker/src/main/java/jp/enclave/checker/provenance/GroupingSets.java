package jp.enclave.checker.provenance;

import java.util.ArrayList;
import java.util.List;
import jp.enclave.checker.Refusal;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;

/**
 * GROUP BY with ROLLUP, CUBE or GROUPING SETS as the list of groupings it produces: each is one
 * set of key expressions, the finest (every key) first; the other rows of the query's result
 * are its margins. A plain GROUP BY is one grouping, given as {@code null} (every key).
 */
final class GroupingSets {
  private static final int MAX_SETS = 64;

  private GroupingSets() {}

  /** Fills {@code keys} with every grouping expression and returns the grouping sets. */
  static List<List<SqlNode>> expand(SqlNodeList group, List<SqlNode> keys) throws Refusal {
    List<List<List<SqlNode>>> factors = new ArrayList<>(); // GROUP BY a, ROLLUP(b, c): a product of factors
    if (group != null) {
      for (SqlNode g : group) {
        SqlKind kind = g.getKind();
        if (kind == SqlKind.ROLLUP || kind == SqlKind.CUBE || kind == SqlKind.GROUPING_SETS) {
          List<SqlNode> items = ((SqlCall) g).getOperandList();
          List<List<SqlNode>> sets = new ArrayList<>();
          if (kind == SqlKind.ROLLUP) {
            for (int n = items.size(); n >= 0; n--) {
              sets.add(flatten(items.subList(0, n)));
            }
          } else if (kind == SqlKind.CUBE) {
            for (int mask = (1 << items.size()) - 1; mask >= 0; mask--) {
              List<SqlNode> s = new ArrayList<>();
              for (int i = 0; i < items.size(); i++) {
                if ((mask & (1 << (items.size() - 1 - i))) != 0) {
                  s.add(items.get(i));
                }
              }
              sets.add(flatten(s));
            }
          } else {
            for (SqlNode item : items) {
              sets.add(flatten(List.of(item)));
            }
          }
          for (List<SqlNode> s : sets) {
            for (SqlNode e : s) {
              addKey(keys, e);
            }
          }
          factors.add(sets);
        } else {
          addKey(keys, g);
          factors.add(List.of(List.of(g)));
        }
      }
    }
    boolean plain = factors.stream().allMatch(f -> f.size() == 1);
    if (plain) {
      List<List<SqlNode>> one = new ArrayList<>();
      one.add(null);
      return one;
    }
    List<List<SqlNode>> product = new ArrayList<>();
    product.add(new ArrayList<>());
    for (List<List<SqlNode>> f : factors) {
      List<List<SqlNode>> next = new ArrayList<>();
      for (List<SqlNode> left : product) {
        for (List<SqlNode> right : f) {
          List<SqlNode> s = new ArrayList<>(left);
          s.addAll(right);
          next.add(s);
        }
      }
      product = next;
      if (product.size() > MAX_SETS) {
        throw new Refusal("QUERY_NOT_RECOMPUTABLE", "the query's grouping sets produce more than " + MAX_SETS
            + " groupings; cite one query per grouping");
      }
    }
    // The finest grouping first: the one the file's inner cells come from.
    product.sort((a, b) -> Integer.compare(b.size(), a.size()));
    return product;
  }

  /** Whether a grouping set holds the key given by expression, output alias or 1-based position. */
  static boolean contains(List<SqlNode> set, SqlNode expr, String alias, int position) {
    for (SqlNode g : set) {
      if (g.equalsDeep(expr, org.apache.calcite.util.Litmus.IGNORE)) {
        return true;
      }
      if (g instanceof SqlIdentifier id && id.isSimple() && id.getSimple().equalsIgnoreCase(alias)) {
        return true;
      }
      if (g instanceof SqlNumericLiteral n && n.isInteger() && n.intValue(false) == position) {
        return true;
      }
    }
    return false;
  }

  /** (a, b) inside a set is a composite of two keys; () is the grand total. */
  private static List<SqlNode> flatten(List<SqlNode> items) {
    List<SqlNode> out = new ArrayList<>();
    for (SqlNode i : items) {
      if (i instanceof SqlNodeList l) {
        l.forEach(out::add);
      } else if (i.getKind() == SqlKind.ROW) {
        out.addAll(((SqlCall) i).getOperandList());
      } else {
        out.add(i);
      }
    }
    return out;
  }

  private static void addKey(List<SqlNode> keys, SqlNode e) {
    for (SqlNode k : keys) {
      if (k.equalsDeep(e, org.apache.calcite.util.Litmus.IGNORE)) {
        return;
      }
    }
    keys.add(e);
  }

}
