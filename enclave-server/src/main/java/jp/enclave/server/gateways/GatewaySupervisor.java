package jp.enclave.server.gateways;

import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;
import jp.enclave.server.audit.JpaAuditTrail;

/**
 * Every second, in one transaction: starts the gateways of projects with open sessions, restarts
 * crashed ones whose backoff has passed, stops those whose last session ended a grace period ago,
 * and writes what happened to them to the audit trail.
 */
@Singleton
public class GatewaySupervisor {
  private static final Logger LOG = Logger.getLogger(GatewaySupervisor.class.getName());

  @Inject
  GatewayManager gateways;
  @Inject
  JpaAuditTrail audit;

  @Schedule(hour = "*", minute = "*", second = "*", persistent = false)
  void tick() {
    try {
      gateways.supervise(audit);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "gateway supervision failed: " + e.getMessage(), e);
      throw e;
    }
  }
}
