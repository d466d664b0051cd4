/** The transport layer: TCP byte streams, NetBIOS names, session service, Direct TCP, name service. */
export * from './tcp.js';
export * from './message-stream.js';
export * from './names.js';
export * from './nbss.js';
export * from './nameservice.js';
export * from './datagram.js';
