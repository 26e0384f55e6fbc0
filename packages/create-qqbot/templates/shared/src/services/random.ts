import { Injectable } from '@qqbot/framework'

/** Where the randomness comes from: a service, so tests can swap it for a fixed one. */
@Injectable()
export class RandomService {
  /** A whole number from `min` to `max`, both included. */
  int(min: number, max: number): number {
    return min + Math.floor(Math.random() * (max - min + 1))
  }
}
