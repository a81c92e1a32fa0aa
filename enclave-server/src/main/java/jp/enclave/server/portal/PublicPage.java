package jp.enclave.server.portal;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.transaction.Transactional;
import java.util.List;
import jp.enclave.server.registry.RegistryService;

/** The public register of approved projects (no login). */
@Named
@RequestScoped
public class PublicPage {
  @Inject
  RegistryService registry;
  private List<RegistryService.PublicProject> projects;

  @Transactional
  public List<RegistryService.PublicProject> getProjects() {
    if (projects == null) {
      projects = registry.approvedProjects();
    }
    return projects;
  }
}
