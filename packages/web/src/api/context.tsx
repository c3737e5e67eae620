import { createContext, useContext } from 'react';
import type { ChatApi } from './chatApi.ts';

export const ApiContext = createContext<ChatApi | null>(null);

/** The app's operations on the server (the one ChatApi of the page). */
export function useApi(): ChatApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi needs an ApiContext provider');
  return api;
}
