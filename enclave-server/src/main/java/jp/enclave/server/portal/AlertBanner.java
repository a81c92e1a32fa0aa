package jp.enclave.server.portal;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.transaction.Transactional;
import jp.enclave.server.security.SecurityService;

/** The count of open security alerts, for the banner auditors see on every page. */
@Named
@RequestScoped
public class AlertBanner {
  @Inject
  SecurityService security;
  @Inject
  PortalUser user;
  private Long open;

  @Transactional
  public long getOpen() {
    if (open == null) {
      open = user.hasRole("auditor") ? security.openCount() : 0L;
    }
    return open;
  }
}
