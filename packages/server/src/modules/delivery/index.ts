export { Delivery, accountSubject, presenceSubject } from './delivery.js';
