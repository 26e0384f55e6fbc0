import { fail, route, type Route } from './route-kit.js'

/** `PUT /interactions/{id}`: acknowledged with 204 and no body, or refused as {@link InteractionLedger} says. */
export const INTERACTION_ROUTES: Route[] = [
  route('PUT', '/interactions/:p', (req, [id = ''], ctx) => {
    const refused = ctx.interactions.acknowledge(id, req.body)
    return refused ? fail(req, refused.status, refused.code, refused.message) : { status: 204 }
  }),
]
