package jp.enclave.gateway.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jp.enclave.policies.Decision;
import jp.enclave.policies.PolicyEngine;
import jp.enclave.policies.ProjectFacts;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * Stage 4: ask the Cedar policies, once for the query and once per table read (with the labels
 * of the columns read there). Any denial refuses the whole query, naming the columns.
 */
final class Authorization {
  /** What was decided, for the audit record. */
  record Outcome(List<String> policyIds, String reason) {}

  private final PolicyEngine policies;
  private final ProjectCatalog catalog;
  private volatile ProjectFacts project;

  /**
   * Decisions already made, keyed by everything they depend on except the clock. The policies
   * compare the clock only against the certification and approval end dates, so a decision made
   * while both lie ahead stays exact until the earlier of them; entries are not used after it.
   */
  private record Key(ProjectFacts facts, jp.enclave.policies.Subject subject, String kind, String table, Map<String, String> labels) {}

  private record Cached(Decision decision, Instant validUntil) {}

  private static final int CACHE_LIMIT = 10_000;
  private final Map<Key, Cached> cache = new java.util.concurrent.ConcurrentHashMap<>();

  Authorization(PolicyEngine policies, ProjectCatalog catalog, ProjectFacts project) {
    this.policies = policies;
    this.catalog = catalog;
    this.project = project;
  }

  /** The server's new facts: decisions made on the old ones are dropped. */
  void project(ProjectFacts facts) {
    this.project = facts;
    cache.clear();
  }

  Outcome authorize(GatewaySession session, ColumnReads.Reads reads, Instant now) {
    ProjectFacts project = this.project;
    String kind = session.kind().label();
    Decision query = cached(new Key(project, session.subject(), kind, null, Map.of()), now,
        () -> policies.mayQuery(session.subject(), project, kind, now));
    if (!query.allowed()) {
      throw Refusals.denyQueryPolicy(query.reason());
    }
    List<String> ids = new ArrayList<>(query.policyIds());
    StringBuilder reason = new StringBuilder(query.reason());
    for (Map.Entry<String, Map<String, SqlParserPos>> t : reads.columnsByTable().entrySet()) {
      ProjectCatalog.TableInfo table = catalog.table(t.getKey()).orElseThrow();
      Map<String, String> labels = new LinkedHashMap<>();
      for (String column : t.getValue().keySet()) {
        labels.put(column, table.column(column).orElseThrow().sensitivity().label());
      }
      Decision read = cached(new Key(project, session.subject(), kind, table.name(), Map.copyOf(labels)), now,
          () -> policies.mayRead(session.subject(), project, kind, now, table.name(), labels));
      if (!read.allowed()) {
        SqlParserPos pos = read.deniedColumns().isEmpty() ? SqlParserPos.ZERO
            : t.getValue().getOrDefault(read.deniedColumns().get(0), SqlParserPos.ZERO);
        throw Refusals.denyColumnPolicy(pos, table.name(), read.deniedColumns(), read.reason());
      }
      for (String id : read.policyIds()) {
        if (!ids.contains(id)) {
          ids.add(id);
        }
      }
    }
    if (!reads.columnsByTable().isEmpty()) {
      reason.append("; tables read: ").append(String.join(", ", reads.columnsByTable().keySet()));
    }
    return new Outcome(List.copyOf(ids), reason.toString());
  }

  private Decision cached(Key key, Instant now, java.util.function.Supplier<Decision> decide) {
    Cached c = cache.get(key);
    if (c != null && now.isBefore(c.validUntil())) {
      return c.decision();
    }
    Decision d = decide.get();
    Instant validUntil = key.subject().certifiedUntil().isBefore(key.facts().approvedUntil())
        ? key.subject().certifiedUntil() : key.facts().approvedUntil();
    if (now.isBefore(validUntil)) {
      if (cache.size() >= CACHE_LIMIT) {
        cache.clear();
      }
      cache.put(key, new Cached(d, validUntil));
    }
    return d;
  }
}
