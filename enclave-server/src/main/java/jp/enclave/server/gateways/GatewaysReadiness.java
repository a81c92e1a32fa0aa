package jp.enclave.server.gateways;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The running gateways, each with its state, port, pid and restarts. Down while a gateway waits
 * to be restarted after a crash (its researchers cannot query).
 */
@Readiness
@ApplicationScoped
public class GatewaysReadiness implements HealthCheck {
  @Inject
  GatewayManager gateways;

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder b = HealthCheckResponse.named("gateways").withData("managed", gateways.managed());
    boolean up = true;
    long running = 0;
    for (GatewayProcesses.View v : gateways.views()) {
      b.withData(v.project(), v.state().name().toLowerCase(java.util.Locale.ROOT) + " port " + v.port() + " pid " + v.pid()
          + " restarts " + v.restarts());
      up &= v.state() != GatewayProcesses.State.CRASHED;
      running += v.state() == GatewayProcesses.State.RUNNING ? 1 : 0;
    }
    return b.withData("running", running).status(up).build();
  }
}
