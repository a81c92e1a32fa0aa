package jp.enclave.server.onsite;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.transaction.Transactional;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;

/**
 * Enrols a terminal's browser: staff, at the terminal, post its id and the secret shown at
 * registration; when the request comes from the terminal's registered address the browser gets
 * the credential as an HttpOnly, SameSite=Strict cookie (sent with every later request), and the
 * enrolment is audited either way. A wrong secret or address sets nothing.
 */
@WebServlet("/terminal/enrol")
public class TerminalEnrolment extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final int ONE_YEAR = 365 * 24 * 3600;

  @Inject
  Enroller enroller;
  @Inject
  RequestPresence presence;

  /** The transaction around the audited enrolment. */
  @ApplicationScoped
  public static class Enroller {
    @Inject
    OnsiteService onsite;

    @Transactional
    public OnsiteService.Recognition enrol(Presence p) {
      return onsite.enrol(p);
    }
  }

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String id = req.getParameter("terminal");
    String secret = req.getParameter("secret");
    Presence p = Presence.of(presence.get().address(), (id == null ? "" : id.trim()) + ":" + (secret == null ? "" : secret.trim()));
    OnsiteService.Recognition r = enroller.enrol(p);
    String back = req.getContextPath() + "/terminal.xhtml";
    if (r.recognised()) {
      // "id.secret": no character a cookie value would need quoting for (ids and base64url have no '.').
      Cookie c = new Cookie(Presence.COOKIE, p.terminalId() + "." + p.secret());
      c.setHttpOnly(true);
      c.setPath(req.getContextPath().isEmpty() ? "/" : req.getContextPath());
      c.setMaxAge(ONE_YEAR);
      c.setSecure(req.isSecure());
      c.setAttribute("SameSite", "Strict");
      resp.addCookie(c);
      resp.sendRedirect(back + "?enrolled=" + p.terminalId());
    } else {
      resp.sendRedirect(back + "?refused=true");
    }
  }
}
