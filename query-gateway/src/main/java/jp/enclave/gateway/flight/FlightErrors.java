package jp.enclave.gateway.flight;

import jp.enclave.gateway.core.GatewayRefusal;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightRuntimeException;

/** Refusals as Flight errors: the status class from the refusal's kind, the text from its render. */
final class FlightErrors {
  private FlightErrors() {}

  static FlightRuntimeException toFlight(GatewayRefusal r) {
    CallStatus status = switch (r.kind()) {
      case INVALID_ARGUMENT -> CallStatus.INVALID_ARGUMENT;
      case PERMISSION_DENIED -> CallStatus.UNAUTHORIZED;
      case UNAUTHENTICATED -> CallStatus.UNAUTHENTICATED;
      case NOT_FOUND -> CallStatus.NOT_FOUND;
      case RESOURCE_EXHAUSTED -> CallStatus.RESOURCE_EXHAUSTED;
      case TIMED_OUT -> CallStatus.TIMED_OUT;
      case CANCELLED -> CallStatus.CANCELLED;
      case INTERNAL -> CallStatus.INTERNAL;
    };
    return status.withDescription(r.refusal().render()).toRuntimeException();
  }

  /** A refusal of the Flight layer itself (parameters it cannot bind), in the same code: sentence form. */
  static FlightRuntimeException invalid(String code, String message) {
    return CallStatus.INVALID_ARGUMENT.withDescription(code + ": " + message).toRuntimeException();
  }
}
