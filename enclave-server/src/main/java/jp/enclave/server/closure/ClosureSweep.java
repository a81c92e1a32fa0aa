package jp.enclave.server.closure;

import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.inject.Inject;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every ten seconds, ends the projects whose approved period is over (their sessions are already
 * refused by the policies; this stops them, archives and erases the extract). On unless
 * {@code enclave.closure.end-lapsed-projects=false} (integration tests that keep lapsed projects
 * to test refusals switch it off).
 */
@Singleton
public class ClosureSweep {
  private static final Logger LOG = Logger.getLogger(ClosureSweep.class.getName());

  @Inject
  ClosureService closures;
  @Inject
  @ConfigProperty(name = "enclave.closure.end-lapsed-projects", defaultValue = "true")
  boolean enabled;

  @Schedule(hour = "*", minute = "*", second = "*/10", persistent = false)
  void sweep() {
    if (!enabled) {
      return;
    }
    int n = closures.closeLapsed().size();
    if (n > 0) {
      LOG.info(n + " project(s) ended because their approved period is over");
    }
  }
}
