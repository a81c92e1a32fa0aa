package jp.enclave.server.registry;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** The public register of approved projects (no login), as creating businesses publish their provision records. */
@Path("public/projects")
@RequestScoped
@Transactional
public class PublicResource {
  @Inject
  jp.enclave.server.publication.PublicRegister register;

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public List<jp.enclave.server.publication.PublicRegister.Entry> approved() {
    return register.entries();
  }
}
