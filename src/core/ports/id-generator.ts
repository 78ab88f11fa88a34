/** The source of new resource and record ids (ID_GENERATOR). */
export interface IdGenerator {
  newId(): string;
}
