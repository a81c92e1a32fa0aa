package jp.enclave.server.portal;

import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import java.util.MissingResourceException;
import java.util.ResourceBundle;
import jp.enclave.server.access.Refusal;

/** Messages on portal pages: a refusal's code in the page's language, with the domain's specific sentence. */
final class Feedback {
  static final String BUNDLE = "jp.enclave.server.portal.messages";

  private Feedback() {}

  static void refused(Refusal r) {
    FacesContext fc = FacesContext.getCurrentInstance();
    String summary = text(fc, "refusal." + r.code(), text(fc, "refusal.generic", r.code()));
    fc.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR, summary + " [" + r.code() + "]", r.getMessage()));
  }

  static void done(String key, Object... args) {
    FacesContext fc = FacesContext.getCurrentInstance();
    String text = java.text.MessageFormat.format(text(fc, key, key), args);
    fc.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_INFO, text, null));
  }

  private static String text(FacesContext fc, String key, String fallback) {
    try {
      return ResourceBundle.getBundle(BUNDLE, fc.getViewRoot().getLocale()).getString(key);
    } catch (MissingResourceException e) {
      return fallback;
    }
  }
}
