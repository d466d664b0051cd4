/** DCE/RPC over any message-mode pipe: NDR 2.0, connection-oriented PDUs, client, bindings, interfaces. */
export * from './ndr/index.js';
export * from './uuid.js';
export * from './pdu.js';
export * from './client.js';
export * from './binding.js';
export * from './caller.js';
export * from './security.js';
export * from './tcp.js';
export * from './factory.js';
export * as wkssvc from './interfaces/wkssvc.js';
export * as msgsvc from './interfaces/msgsvc.js';
export * as msgsvcsend from './interfaces/msgsvcsend.js';
export * as srvsvc from './interfaces/srvsvc.js';
export * as epm from './interfaces/epm.js';
export * from './cl-pdu.js';
export * from './cl-client.js';
export * from './cl-server.js';
