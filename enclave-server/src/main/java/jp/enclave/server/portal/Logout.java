package jp.enclave.server.portal;

import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Signs out of the portal and, through the OpenID mechanism's logout, of the identity provider. */
@WebServlet("/logout")
public class Logout extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
    req.logout();
    if (!resp.isCommitted()) {
      req.getSession().invalidate();
      resp.sendRedirect(req.getContextPath() + "/index.xhtml");
    }
  }
}
