import { type ArgumentsHost, Catch, type RpcExceptionFilter } from '@nestjs/common';
import { type Observable, throwError } from 'rxjs';

/**
 * Hands a handler's own error back to the JetStream transport. Nest's default RPC filter would
 * replace it with "Internal server error" and log it; the transport needs the real error to
 * log, nak and, on the last delivery, to put the reason in the dead-letter copy.
 */
@Catch()
export class JetStreamExceptionFilter implements RpcExceptionFilter {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}
