package jp.enclave.server.portal;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Where the identity provider returns after login; the OpenID mechanism handles the code exchange
 * before this runs and normally redirects to the page first asked for.
 */
@WebServlet("/callback")
public class Callback extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    resp.sendRedirect(req.getContextPath() + "/portal/home.xhtml");
  }
}
