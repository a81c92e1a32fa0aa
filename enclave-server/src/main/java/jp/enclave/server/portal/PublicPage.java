package jp.enclave.server.portal;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.transaction.Transactional;
import java.util.List;
import jp.enclave.server.publication.PublicRegister;

/** The public register of approved projects (no login). */
@Named
@RequestScoped
public class PublicPage {
  @Inject
  PublicRegister register;
  private List<PublicRegister.Entry> projects;

  @Transactional
  public List<PublicRegister.Entry> getProjects() {
    if (projects == null) {
      projects = register.entries();
    }
    return projects;
  }
}
