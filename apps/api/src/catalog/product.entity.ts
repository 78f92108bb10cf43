import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { laravelDateTransformer } from '@offramp/legacy-bridge';
import { Category } from './category.entity.js';

/**
 * The monolith's `products` table. Datetime columns are declared as varchar so that no driver
 * turns them into local-time Dates: the transformer gives Eloquent's JSON form.
 */
@Entity({ name: 'products' })
export class Product {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: number;

  @Column({ name: 'category_id', type: 'bigint' })
  categoryId!: number;

  @ManyToOne(() => Category, { nullable: true, createForeignKeyConstraints: false })
  @JoinColumn({ name: 'category_id' })
  category?: Category | null;

  @Column({ type: 'varchar', length: 32 })
  sku!: string;

  @Column({ type: 'varchar' })
  name!: string;

  @Column({ type: 'varchar' })
  slug!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ name: 'price_cents', type: 'integer' })
  priceCents!: number;

  @Column({ type: 'varchar', length: 3 })
  currency!: string;

  @Column({ type: 'integer' })
  stock!: number;

  @Column({ type: 'integer' })
  popularity!: number;

  @Column({ name: 'created_at', type: 'varchar', nullable: true, transformer: laravelDateTransformer })
  createdAt!: string | null;

  @Column({ name: 'updated_at', type: 'varchar', nullable: true, transformer: laravelDateTransformer })
  updatedAt!: string | null;
}
