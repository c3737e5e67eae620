import { createContext, useContext } from 'react';
import type { ChatClient } from './client.ts';

export const ClientContext = createContext<ChatClient | null>(null);

export function useClient(): ChatClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient needs a ClientContext provider');
  return client;
}
