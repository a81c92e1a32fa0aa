package jp.enclave.server.health;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while PostgreSQL answers and the schema is migrated. */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements HealthCheck {
  @Resource(lookup = "java:app/jdbc/enclave")
  DataSource dataSource;

  @Override
  public HealthCheckResponse call() {
    try (Connection c = dataSource.getConnection();
        var rs = c.createStatement().executeQuery("select seq from audit_head where id = 1")) {
      rs.next();
      return HealthCheckResponse.named("postgresql").up().withData("auditEntries", rs.getLong(1)).build();
    } catch (SQLException e) {
      return HealthCheckResponse.named("postgresql").down().withData("error", String.valueOf(e.getMessage())).build();
    }
  }
}
