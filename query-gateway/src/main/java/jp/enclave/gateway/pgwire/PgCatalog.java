package jp.enclave.gateway.pgwire;

import java.util.List;
import java.util.Optional;
import jp.enclave.gateway.core.Gateway;
import jp.enclave.gateway.core.GatewaySession;

/** Placeholder while capturing. */
final class PgCatalog {
  private final Gateway gateway;

  PgCatalog(Gateway gateway, java.time.Clock clock) {
    this.gateway = gateway;
  }

  Optional<PgResult> answer(String sql, List<PgSql.Token> tokens, GatewaySession session) {
    return Optional.empty();
  }
}
