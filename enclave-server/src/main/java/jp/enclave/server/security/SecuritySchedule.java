package jp.enclave.server.security;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;
import jp.enclave.server.access.Caller;
import jp.enclave.server.audit.ZoneAudit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every {@code enclave.audit.witness-seconds} (60 by default): witnesses each zone trail's head,
 * then evaluates the alert thresholds. One transaction per run: the witnessed heads, their audit
 * entries and raised alerts commit together.
 */
@Singleton
@Startup
@jakarta.ejb.DependsOn("Migrations")
public class SecuritySchedule {
  private static final Logger LOG = Logger.getLogger(SecuritySchedule.class.getName());

  @Resource
  TimerService timers;
  @Inject
  ZoneAudit zones;
  @Inject
  SecurityService security;
  @Inject
  @ConfigProperty(name = "enclave.audit.witness-seconds", defaultValue = "60")
  long seconds;

  @PostConstruct
  void start() {
    long ms = Math.max(1, seconds) * 1000;
    timers.createIntervalTimer(ms, ms, new TimerConfig("witness-and-alerts", false));
  }

  @Timeout
  void run() {
    try {
      zones.witness(Caller.SYSTEM);
      int n = security.evaluate().size();
      if (n > 0) {
        LOG.info(n + " security alert(s) raised");
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "witnessing or alert evaluation failed; retried at the next run", e);
      throw e;
    }
  }
}
