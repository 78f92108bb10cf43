import { Column, Entity, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import { laravelDateTransformer } from '@offramp/legacy-bridge';
import { OrderItem } from './order-item.entity.js';

export const ORDER_PENDING = 'pending';

/** The monolith's `orders` table. */
@Entity({ name: 'orders' })
export class Order {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: number;

  @Column({ name: 'user_id', type: 'bigint' })
  userId!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @Column({ name: 'total_cents', type: 'bigint' })
  totalCents!: number;

  @Column({ type: 'varchar', length: 3 })
  currency!: string;

  @Column({ name: 'paid_at', type: 'varchar', nullable: true, transformer: laravelDateTransformer })
  paidAt!: string | null;

  @Column({ name: 'payment_reference', type: 'varchar', nullable: true })
  paymentReference!: string | null;

  @Column({ name: 'created_at', type: 'varchar', nullable: true, transformer: laravelDateTransformer })
  createdAt!: string | null;

  @Column({ name: 'updated_at', type: 'varchar', nullable: true, transformer: laravelDateTransformer })
  updatedAt!: string | null;

  @OneToMany(() => OrderItem, (item) => item.order)
  items?: OrderItem[];
}
