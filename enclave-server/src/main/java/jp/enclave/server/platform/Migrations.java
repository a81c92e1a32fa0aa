package jp.enclave.server.platform;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The server's PostgreSQL: one data source whose address comes from configuration (the launcher
 * gives the embedded database's or names an external one), migrated by Flyway before the
 * application serves anything.
 */
@DataSourceDefinition(
    name = "java:app/jdbc/enclave",
    className = "org.postgresql.ds.PGSimpleDataSource",
    url = "${MPCONFIG=enclave.db.url}",
    user = "${MPCONFIG=enclave.db.user}",
    password = "${MPCONFIG=enclave.db.password}",
    minPoolSize = 2,
    maxPoolSize = 32)
@Singleton
@Startup
@TransactionManagement(TransactionManagementType.BEAN)
public class Migrations {
  private static final Logger LOG = Logger.getLogger(Migrations.class.getName());

  @Resource(lookup = "java:app/jdbc/enclave")
  DataSource dataSource;

  @PostConstruct
  void migrate() {
    var result = Flyway.configure(Migrations.class.getClassLoader())
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .load()
        .migrate();
    LOG.info("database schema at version " + result.targetSchemaVersion + " (" + result.migrationsExecuted
        + " migrations applied now)");
  }
}
