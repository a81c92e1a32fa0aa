package jp.enclave.server.sessions;

import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.inject.Inject;
import java.util.logging.Logger;

/**
 * Once a minute, ends the sessions whose approval, certification or training has lapsed (one
 * transaction: each revocation and its audit row together). The project's gateway learns of it
 * from its session feed within a second and stops their queries.
 */
@Singleton
public class LapseSweep {
  private static final Logger LOG = Logger.getLogger(LapseSweep.class.getName());

  @Inject
  SessionService sessions;

  @Schedule(hour = "*", minute = "*", second = "0", persistent = false)
  void sweep() {
    int n = sessions.revokeLapsed().size();
    if (n > 0) {
      LOG.info(n + " session(s) ended because an approval, certification or training lapsed");
    }
  }
}
