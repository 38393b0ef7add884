export { createNatsBus, NatsBus, NATS_BUS_DEFAULTS, type NatsBusEvent, type NatsBusOptions, type NatsBusState } from './nats-bus.js';
