/**
 * The benchmark routes as a NestJS 12 app on its Express platform, shared by nest-bare.ts and
 * nest-contract.ts. Decorators are applied as calls: the servers are bundled without decorator
 * syntax support.
 */
import "reflect-metadata";
import { Controller, Get, Module, Param, Post } from "@nestjs/common";

class ItemsController {
  find(id: string) {
    return { id: Number(id), name: "apple" };
  }

  create() {
    return { id: 7 };
  }
}
const method = (name: "find" | "create") =>
  Object.getOwnPropertyDescriptor(ItemsController.prototype, name) as PropertyDescriptor;
Get(":id")(ItemsController.prototype, "find", method("find"));
Param("id")(ItemsController.prototype, "find", 0);
Post()(ItemsController.prototype, "create", method("create"));
Controller("items")(ItemsController);

export class ItemsModule {}
Module({ controllers: [ItemsController] })(ItemsModule);
