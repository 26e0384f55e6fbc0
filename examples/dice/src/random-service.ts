import { Injectable } from '@qqbot/framework'

/** Where the randomness comes from: the bot's service, shared by its plugins; tests swap it for a fixed one. */
@Injectable()
export class RandomService {
  int(min: number, max: number): number {
    return min + Math.floor(Math.random() * (max - min + 1))
  }
}
