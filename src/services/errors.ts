// Client-facing errors carry a code in extensions; anything else is masked by the server's formatError.
import { GraphQLError } from 'graphql';

export function badInput(field: string, message: string): GraphQLError {
  return new GraphQLError(`${field}: ${message}`, { extensions: { code: 'BAD_USER_INPUT', field } });
}

export function notFound(field: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'NOT_FOUND', field } });
}

export function conflict(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'CONFLICT' } });
}
