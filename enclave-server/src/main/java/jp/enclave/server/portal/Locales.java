package jp.enclave.server.portal;

import jakarta.enterprise.context.SessionScoped;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Named;
import java.io.Serializable;
import java.util.Iterator;
import java.util.Locale;

/** The portal's language: the browser's preference between Japanese and English, switchable per session. */
@Named
@SessionScoped
public class Locales implements Serializable {
  private static final long serialVersionUID = 1L;
  private Locale chosen;

  public Locale getLocale() {
    if (chosen != null) {
      return chosen;
    }
    Iterator<Locale> preferred = FacesContext.getCurrentInstance().getExternalContext().getRequestLocales();
    while (preferred.hasNext()) {
      String lang = preferred.next().getLanguage();
      if (lang.equals("ja") || lang.equals("en")) {
        return Locale.forLanguageTag(lang);
      }
    }
    return Locale.JAPANESE;
  }

  public String getLanguage() {
    return getLocale().getLanguage();
  }

  public String switchTo(String language) {
    chosen = Locale.forLanguageTag(language.equals("en") ? "en" : "ja");
    FacesContext.getCurrentInstance().getViewRoot().setLocale(chosen);
    return null;
  }
}
