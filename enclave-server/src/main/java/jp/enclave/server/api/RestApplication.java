package jp.enclave.server.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The REST API under /api: bearer tokens from the identity provider, problem details on refusal. */
@ApplicationPath("api")
public class RestApplication extends Application {}
