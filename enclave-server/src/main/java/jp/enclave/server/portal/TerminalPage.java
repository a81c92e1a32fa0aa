package jp.enclave.server.portal;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.transaction.Transactional;
import jp.enclave.server.onsite.OnsiteService;
import jp.enclave.server.onsite.RequestPresence;

/** The terminal page (no sign-in needed): whether this browser is recognised as an onsite terminal. */
@Named
@RequestScoped
@Transactional
public class TerminalPage {
  @Inject
  OnsiteService onsite;
  @Inject
  RequestPresence presence;

  private OnsiteService.Recognition recognition;

  public OnsiteService.Recognition getRecognition() {
    if (recognition == null) {
      recognition = onsite.recognise(presence.get());
    }
    return recognition;
  }

  public String getAddress() {
    return presence.get().address();
  }
}
