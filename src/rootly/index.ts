export { RootlyAlertRoute, type RootlyAlertRouteArgs } from "./alert-route.resource";
